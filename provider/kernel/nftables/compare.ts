// What differs between a table as it should be and as the kernel holds it: drift found by a read, in words.
// Pure.
//
// Rules are compared by their expressions (every field, the kernel's counters aside) and their comment; chains by
// their hook, priority, type and policy. The table's own flags count too: a table made dormant by hand keeps its
// rules but runs none of them.
import { type ChainRecord, type ChainSpec, type RuleSpec } from "./codec";
import { NFT_TABLE_F_DORMANT } from "./constants";
import { describeExpression } from "./expressions";
import type { TableContents, TableSpec } from "./tables";

function expressionsText(rule: RuleSpec): string {
  return rule.expressions.map(describeExpression).join("; ");
}

/** What two rules are compared by: every expression and the comment. */
function ruleText(rule: RuleSpec): string {
  return `${expressionsText(rule)}${rule.comment === undefined ? "" : ` comment ${JSON.stringify(rule.comment)}`}`;
}

function ruleName(rule: RuleSpec, index: number): string {
  return rule.comment === undefined ? `rule ${index + 1}` : `rule "${rule.comment}"`;
}

function baseDifference(expected: ChainSpec, actual: ChainRecord): string | undefined {
  const want = expected.base;
  const have = actual.base;
  if (want === undefined && have === undefined) return undefined;
  if (want === undefined || have === undefined) return `chain ${expected.name} is ${have === undefined ? "not attached to a hook" : "attached to a hook"} but should ${want === undefined ? "not be" : "be"}`;
  const fields = (["type", "hook", "priority", "policy"] as const).filter((field) => want[field] !== have[field]);
  return fields.length === 0 ? undefined : `chain ${expected.name} has ${fields.map((field) => `${field} ${String(have[field])} instead of ${String(want[field])}`).join(", ")}`;
}

/** Index pairs of the longest common subsequence of two lists of texts: the rules that stand where they should. */
function commonSubsequence(expected: readonly string[], actual: readonly string[]): Map<number, number> {
  const lengths = Array.from({ length: expected.length + 1 }, () => new Array<number>(actual.length + 1).fill(0));
  for (let i = expected.length - 1; i >= 0; i--) {
    for (let j = actual.length - 1; j >= 0; j--) {
      const row = lengths[i] as number[];
      row[j] = expected[i] === actual[j] ? (lengths[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(lengths[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const pairs = new Map<number, number>();
  for (let i = 0, j = 0; i < expected.length && j < actual.length; ) {
    if (expected[i] === actual[j]) pairs.set(i++, j++);
    else if ((lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  return pairs;
}

/**
 * The rules in order: those in the longest common order are fine; of the rest, one found elsewhere is out of place,
 * one whose comment is found on another rule was changed, the others are missing, and what is left over is unexpected.
 */
function ruleDifferences(chain: ChainSpec, actual: { rules: readonly RuleSpec[] }): string[] {
  const differences: string[] = [];
  const expectedTexts = chain.rules.map(ruleText);
  const actualTexts = actual.rules.map(ruleText);
  const inPlace = commonSubsequence(expectedTexts, actualTexts);
  const used = new Set(inPlace.values());
  const unused = (found: (position: number) => boolean): number => actualTexts.findIndex((_, position) => !used.has(position) && found(position));
  chain.rules.forEach((rule, index) => {
    if (inPlace.has(index)) return;
    const elsewhere = unused((position) => actualTexts[position] === expectedTexts[index]);
    const changed = elsewhere !== -1 || rule.comment === undefined ? -1 : unused((position) => actual.rules[position]?.comment === rule.comment);
    if (elsewhere !== -1) differences.push(`chain ${chain.name}: ${ruleName(rule, index)} is at position ${elsewhere + 1} instead of ${index + 1}`);
    else if (changed !== -1) differences.push(`chain ${chain.name}: ${ruleName(rule, index)} was changed: it reads "${expressionsText(actual.rules[changed] ?? rule)}" instead of "${expressionsText(rule)}"`);
    else differences.push(`chain ${chain.name}: ${ruleName(rule, index)} is missing`);
    const taken = elsewhere !== -1 ? elsewhere : changed;
    if (taken !== -1) used.add(taken);
  });
  actualTexts.forEach((text, position) => {
    if (!used.has(position)) differences.push(`chain ${chain.name}: an unexpected rule at position ${position + 1}: "${text}"`);
  });
  return differences;
}

/** Every difference, each a sentence; none when the kernel holds exactly `expected`. */
export function tableDifferences(expected: TableSpec, actual: TableContents): string[] {
  const differences: string[] = [];
  if (actual.table.comment !== expected.comment) differences.push(`the table's comment is ${JSON.stringify(actual.table.comment ?? "")} instead of ${JSON.stringify(expected.comment ?? "")}`);
  if ((actual.table.flags & NFT_TABLE_F_DORMANT) !== 0) differences.push("the table is dormant: none of its rules runs");
  for (const chain of expected.chains) {
    const found = actual.chains.find((candidate) => candidate.name === chain.name);
    if (found === undefined) {
      differences.push(`chain ${chain.name} is missing`);
      continue;
    }
    const base = baseDifference(chain, found);
    if (base !== undefined) differences.push(base);
    if (found.comment !== chain.comment) differences.push(`chain ${chain.name}'s comment is ${JSON.stringify(found.comment ?? "")} instead of ${JSON.stringify(chain.comment ?? "")}`);
    differences.push(...ruleDifferences(chain, found));
  }
  for (const chain of actual.chains) {
    if (!expected.chains.some((candidate) => candidate.name === chain.name)) differences.push(`an unexpected chain ${chain.name}`);
  }
  return differences;
}
