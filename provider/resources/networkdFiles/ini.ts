// The ini-style syntax of systemd's unit files (systemd.syntax(7)), as networkd reads its .netdev and .network
// files. Pure.
//
// Conventions: parsers take the file's text and never throw.

export interface IniSection {
  name: string;
  entries: [key: string, value: string][];
}

/** Sections in file order. Comments ("#", ";") and blank lines are dropped; a trailing "\" joins lines. */
export function parseIni(text: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | undefined;
  const logicalLines: string[] = [];
  let pending = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = pending + raw;
    if (line.endsWith("\\") && !/^\s*[#;]/.test(line)) {
      pending = `${line.slice(0, -1)} `;
      continue;
    }
    pending = "";
    logicalLines.push(line);
  }
  if (pending !== "") logicalLines.push(pending);
  for (const rawLine of logicalLines) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(line);
    if (header !== null) {
      current = { name: header[1] ?? "", entries: [] };
      sections.push(current);
      continue;
    }
    const equals = line.indexOf("=");
    if (equals === -1 || current === undefined) continue;
    current.entries.push([line.slice(0, equals).trim(), line.slice(equals + 1).trim()]);
  }
  return sections;
}

/** All values of `key` in every section called `name`, in order. */
export function valuesOf(sections: readonly IniSection[], name: string, key: string): string[] {
  return sections.filter((section) => section.name === name).flatMap((section) => section.entries.filter(([k]) => k === key).map(([, v]) => v));
}

/** The last value of `key` (later assignments win in systemd), or undefined. */
export function lastValueOf(sections: readonly IniSection[], name: string, key: string): string | undefined {
  return valuesOf(sections, name, key).at(-1);
}

/** systemd's parse_boolean(). */
export function parseBoolean(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const lower = text.toLowerCase();
  if (["1", "yes", "y", "true", "t", "on"].includes(lower)) return true;
  if (["0", "no", "n", "false", "f", "off"].includes(lower)) return false;
  return undefined;
}
