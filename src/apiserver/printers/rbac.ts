// RoleBindings and ClusterRoleBindings (Roles and ClusterRoles use the default Name/Created At table).
import { ageColumn, ageOf, column, nameColumn, nameOf, printer, wide } from './columns.js';

interface Subject { kind: string; name: string; namespace?: string }
interface BindingShape { roleRef?: { kind?: string; name?: string }; subjects?: Subject[] | null }

/** Subjects split into users, groups and "namespace/name" service accounts, each ", "-joined. */
export function bindingSubjects(subjects: readonly Subject[] | null | undefined): [string, string, string] {
  const users: string[] = [];
  const groups: string[] = [];
  const sas: string[] = [];
  for (const s of subjects ?? []) {
    if (s.kind === 'User') users.push(s.name);
    else if (s.kind === 'Group') groups.push(s.name);
    else if (s.kind === 'ServiceAccount') sas.push(`${s.namespace ?? ''}/${s.name}`);
  }
  return [users.join(', '), groups.join(', '), sas.join(', ')];
}

function bindingPrinter(what: string) {
  return printer<BindingShape>(
    [
      nameColumn(),
      column('Role', 'string', 'The role this binding grants, as Kind/name.'),
      ageColumn(),
      wide('Users', 'string', `Users in the ${what}`),
      wide('Groups', 'string', `Groups in the ${what}`),
      wide('ServiceAccounts', 'string', `ServiceAccounts in the ${what}`),
    ],
    (b, now) => [nameOf(b), `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`, ageOf(b, now), ...bindingSubjects(b.subjects)],
  );
}

export const roleBindingPrinter = bindingPrinter('roleBinding');
export const clusterRoleBindingPrinter = bindingPrinter('clusterRoleBinding');
