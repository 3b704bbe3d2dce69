// Endpoint parsing and wire-level spot checks of the schema's field numbers (those a runtime
// would silently misread if wrong).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { grpcAddress, socketPath } from './client.js';
import { messageType } from './schema.js';

function encode(type: string, obj: object): string {
  const t = messageType(type);
  return Buffer.from(t.encode(t.fromObject(obj)).finish()).toString('hex');
}

describe('CRI endpoints', () => {
  it('accepts unix URLs and bare paths', () => {
    assert.equal(grpcAddress('unix:///run/containerd/containerd.sock'), 'unix:///run/containerd/containerd.sock');
    assert.equal(grpcAddress('unix:/run/c.sock'), 'unix:///run/c.sock');
    assert.equal(grpcAddress('/run/c.sock'), 'unix:///run/c.sock');
    assert.equal(socketPath('unix:///tmp/x/containerd.sock'), '/tmp/x/containerd.sock');
  });
});

describe('CRI schema field numbers', () => {
  it('encodes fields with runtime.v1 numbers', () => {
    // run_as_group = 8 (length-delimited Int64Value{value = 1})
    assert.equal(encode('runtime.v1.LinuxSandboxSecurityContext', { runAsGroup: { value: 5 } }), '42020805');
    // container security context: run_as_group = 12, no_new_privs = 11, masked_paths = 13
    assert.equal(encode('runtime.v1.LinuxContainerSecurityContext', { runAsGroup: { value: 7 } }), '62020807');
    assert.equal(encode('runtime.v1.LinuxContainerSecurityContext', { noNewPrivs: true }), '5801');
    assert.equal(encode('runtime.v1.LinuxContainerSecurityContext', { maskedPaths: ['/a'] }), '6a022f61');
    // namespace options: network NODE = 2 in field 1
    assert.equal(encode('runtime.v1.NamespaceOption', { network: 'NODE', pid: 'CONTAINER' }), '08021001');
    // container config: linux = 15, log_path = 11, tty = 14
    assert.equal(encode('runtime.v1.ContainerConfig', { tty: true }), '7001');
    assert.equal(encode('runtime.v1.ContainerConfig', { logPath: 'a' }), '5a0161');
    assert.equal(encode('runtime.v1.ContainerConfig', { linux: {} }), '7a00');
    // resources: memory_limit_in_bytes = 4
    assert.equal(encode('runtime.v1.LinuxContainerResources', { memoryLimitInBytes: 1 }), '2001');
    // sandbox config: linux = 8, log_directory = 3; pod sandbox metadata uid = 2, namespace = 3
    assert.equal(encode('runtime.v1.PodSandboxConfig', { logDirectory: 'd' }), '1a0164');
    assert.equal(encode('runtime.v1.PodSandboxMetadata', { uid: 'u', namespace: 'n' }), '1201751a016e');
    // update runtime config: runtime_config.network_config.pod_cidr
    assert.equal(encode('runtime.v1.UpdateRuntimeConfigRequest', { runtimeConfig: { networkConfig: { podCidr: 'x' } } }), '0a050a030a0178');
  });

  it('decodes int64 nanoseconds as numbers and enums by name', () => {
    const t = messageType('runtime.v1.ContainerStatus');
    const msg = t.decode(t.encode(t.fromObject({ createdAt: 1_700_000_000_123_456_789, state: 'CONTAINER_EXITED', exitCode: -1 })).finish());
    const obj = t.toObject(msg, { longs: Number, enums: String, defaults: true });
    assert.equal(typeof obj.createdAt, 'number');
    assert.equal(Math.floor(obj.createdAt / 1e6), 1_700_000_000_123);
    assert.equal(obj.state, 'CONTAINER_EXITED');
    assert.equal(obj.exitCode, -1);
  });
});
