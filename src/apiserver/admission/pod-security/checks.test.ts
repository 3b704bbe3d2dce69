import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PodSpec } from '../../../api/core/v1/pod/types.js';
import { describe as describeViolations, evaluate, LATEST_MINOR } from './checks.js';
import { policyOf } from './admission.js';

const spec = (s: Partial<PodSpec> & Record<string, unknown>, c: Record<string, unknown> = {}): PodSpec => ({ containers: [{ name: 'c', image: 'x', ...c }], ...s }) as PodSpec;
const restrictedOk = { securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } };

test('baseline: each violation with upstream reason and detail, in check order', () => {
  const v = evaluate('baseline', LATEST_MINOR, { annotations: { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' } }, {
    hostNetwork: true,
    hostIPC: true,
    volumes: [{ name: 'h', hostPath: { path: '/' } }],
    securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }], seLinuxOptions: { type: 'spc_t', user: 'u' } },
    containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { privileged: true, capabilities: { add: ['NET_ADMIN', 'CHOWN'] }, procMount: 'Unmasked', seccompProfile: { type: 'Unconfined' } } }],
  } as unknown as PodSpec);
  assert.equal(
    describeViolations(v),
    'forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/c="unconfined"), ' +
      'non-default capabilities (container "c" must not include "NET_ADMIN" in securityContext.capabilities.add), ' +
      'host namespaces (hostIPC, hostNetwork), hostPath volumes (volume "h"), hostPort (container "c" uses hostPort 8080), ' +
      'privileged (container "c" must not set securityContext.privileged=true), procMount (container "c" must not set securityContext.procMount to "Unmasked"), ' +
      'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set), ' +
      'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined"), forbidden sysctls (kernel.msgmax)',
  );
});

test('restricted: a bare pod and a compliant one', () => {
  assert.deepEqual(
    evaluate('restricted', LATEST_MINOR, {}, spec({})).map((v) => v.reason),
    ['allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile'],
  );
  assert.deepEqual(evaluate('restricted', LATEST_MINOR, {}, spec({}, restrictedOk)), []);
  const withVolume = evaluate('restricted', LATEST_MINOR, {}, spec({ volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }, { name: 'ok', emptyDir: {} }] } as never, restrictedOk));
  assert.equal(describeViolations(withVolume), 'restricted volume types (volumes ["n"] have restricted types)');
  const root = evaluate('restricted', LATEST_MINOR, {}, spec({ securityContext: { runAsUser: 0 } } as never, restrictedOk));
  assert.equal(describeViolations(root), 'runAsUser=0 (pod must not set runAsUser=0)');
});

test('the policy version chooses the checks', () => {
  // capabilities_restricted exists from 1.22 and runAsUser from 1.23.
  const old = evaluate('restricted', 21, {}, spec({ securityContext: { runAsUser: 0 } } as never)).map((v) => v.reason);
  assert.ok(!old.includes('unrestricted capabilities') && !old.includes('runAsUser=0'));
  // net.ipv4.tcp_rmem joined the allowed sysctls in 1.32.
  const sysctl = spec({ securityContext: { sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '1 2 3' }] } } as never);
  assert.equal(evaluate('baseline', 31, {}, sysctl).length, 1);
  assert.equal(evaluate('baseline', 32, {}, sysctl).length, 0);
  assert.deepEqual(evaluate('privileged', LATEST_MINOR, {}, spec({ hostPID: true } as never)), []);
});

test('namespace labels: defaults, versions, and bad values failing closed', () => {
  const { policy, errs } = policyOf({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/warn-version': 'v1.25' });
  assert.deepEqual(errs, []);
  assert.deepEqual(policy.enforce, { level: 'baseline', minor: LATEST_MINOR, latest: true });
  assert.deepEqual(policy.warn, { level: 'restricted', minor: 25, latest: false });
  assert.equal(policy.audit.level, 'privileged');
  const bad = policyOf({ 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/audit-version': '1.2' });
  assert.equal(bad.policy.enforce.level, 'restricted');
  assert.deepEqual(bad.errs.map((e) => e.detail), ['must be one of privileged, baseline, restricted', 'must be "latest" or "v1.x"']);
});
