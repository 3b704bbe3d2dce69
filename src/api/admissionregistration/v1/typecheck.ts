// Type checking a ValidatingAdmissionPolicy against the kinds it matches, as upstream's policy
// status controller does: `object` and `oldObject` take the schema of each kind an exact
// resource rule names (wildcards are not checked), `params` the paramKind's. The result is
// status.typeChecking's expressionWarnings, one per expression, a line per kind that fails.
import { formatIssues } from '../../cel/compiler.js';
import { undefinedFieldIssues } from '../../cel/schema-check.js';
import { ref, type Schema } from '../../schema/dsl.js';
import type { KindDefinition } from '../../scheme/kind.js';
import type { ExpressionWarning, ValidatingAdmissionPolicy } from './types.js';

export interface KindLookup {
  byResource(group: string, version: string, resource: string): KindDefinition | undefined;
  byKind(group: string, version: string, kind: string): KindDefinition | undefined;
}

function matchedKinds(policy: ValidatingAdmissionPolicy, kinds: KindLookup): KindDefinition[] {
  const out = new Map<string, KindDefinition>();
  for (const rule of policy.spec?.matchConstraints?.resourceRules ?? []) {
    for (const group of rule.apiGroups ?? []) {
      for (const version of rule.apiVersions ?? []) {
        for (const resource of rule.resources ?? []) {
          if ([group, version, resource].includes('*') || resource.includes('/')) continue;
          const def = kinds.byResource(group, version, resource);
          if (def) out.set(`${group}/${version}/${def.kind}`, def);
        }
      }
    }
  }
  return [...out.values()];
}

function paramSchema(policy: ValidatingAdmissionPolicy, kinds: KindLookup): Schema | undefined {
  const pk = policy.spec?.paramKind;
  if (!pk?.apiVersion || !pk.kind) return undefined;
  const [group, version] = pk.apiVersion.includes('/') ? (pk.apiVersion.split('/') as [string, string]) : ['', pk.apiVersion];
  const def = kinds.byKind(group, version, pk.kind);
  return def ? ref(def.schema) : undefined;
}

export function typeCheckPolicy(policy: ValidatingAdmissionPolicy, kinds: KindLookup): ExpressionWarning[] {
  const spec = policy.spec ?? {};
  const targets = matchedKinds(policy, kinds);
  const params = paramSchema(policy, kinds);
  const expressions: [string, string][] = [];
  (spec.variables ?? []).forEach((v, i) => expressions.push([`spec.variables[${i}].expression`, v.expression]));
  (spec.validations ?? []).forEach((v, i) => {
    expressions.push([`spec.validations[${i}].expression`, v.expression]);
    if (v.messageExpression) expressions.push([`spec.validations[${i}].messageExpression`, v.messageExpression]);
  });
  (spec.auditAnnotations ?? []).forEach((a, i) => expressions.push([`spec.auditAnnotations[${i}].valueExpression`, a.valueExpression]));
  const warnings: ExpressionWarning[] = [];
  for (const [fieldRef, expression] of expressions) {
    const lines: string[] = [];
    for (const def of targets) {
      const roots: Record<string, Schema> = { object: ref(def.schema), oldObject: ref(def.schema) };
      if (params) roots.params = params;
      const issues = undefinedFieldIssues(expression, roots);
      if (issues.length) lines.push(`${def.group}/${def.version}, Kind=${def.kind}: ${formatIssues(expression, issues)}`);
    }
    if (lines.length) warnings.push({ fieldRef, warning: lines.join('\n') });
  }
  return warnings;
}
