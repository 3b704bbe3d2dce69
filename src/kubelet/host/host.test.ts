// The host description and pressure, on this machine and against fixed procfs text; and the
// node status they feed.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, networkInterfaces, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cmp, parseQuantity, sub } from '../../api/quantity/index.js';
import { KUBELET_VERSION, nodeStatus, nodeStatusChanged, type NodeDescription } from '../node-status.js';
import { describeHost } from './describe.js';
import { hostPressure } from './pressure.js';
import { binaryQuantity, defaultRouteInterface, goArch, loadavgTaskCount, osReleaseValue, parseMeminfo } from './procfs.js';

describe('procfs parsers', () => {
  it('reads meminfo, the default route, os-release and loadavg', () => {
    const mem = parseMeminfo('MemTotal:       24542428 kB\nMemFree:         1000 kB\nHugePages_Total:       0\n');
    assert.equal(mem.get('MemTotal'), 24542428);
    assert.equal(mem.get('HugePages_Total'), 0);
    const routes = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0',
      'eth0\t00000000\t010200C0\t0003\t0\t0\t100\t00000000\t0\t0\t0',
      'eth0\t000200C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0',
      'down0\t00000000\t010200C0\t0002\t0\t0\t0\t00000000\t0\t0\t0',
    ].join('\n');
    assert.equal(defaultRouteInterface(routes), 'eth0');
    assert.equal(defaultRouteInterface(routes.split('\n').slice(0, 1).join('\n')), undefined);
    assert.equal(osReleaseValue('NAME="Debian GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n', 'PRETTY_NAME'), 'Debian GNU/Linux 12 (bookworm)');
    assert.equal(osReleaseValue("PRETTY_NAME='Alpine \\\"x\\\"'", 'PRETTY_NAME'), 'Alpine "x"');
    assert.equal(loadavgTaskCount('0.23 0.50 1.16 2/105 7781\n'), 105);
    assert.equal(goArch('x64'), 'amd64');
    assert.equal(goArch('arm64'), 'arm64');
  });

  it('prints byte counts as Kubernetes prints binary quantities', () => {
    assert.equal(binaryQuantity(24542428n * 1024n), '24542428Ki');
    assert.equal(binaryQuantity(2n * 1024n * 1024n), '2Mi');
    assert.equal(binaryQuantity(1000n), '1000');
    assert.equal(binaryQuantity(0n), '0');
  });
});

describe('describeHost', () => {
  let dataDir: string;
  before(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'k8ts-host-'));
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reports this machine', async () => {
    const d = await describeHost({ nodeName: 'host-a', dataDir, runtimeVersion: 'containerd://1.6.20' });
    const memKi = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'))![1]!;
    assert.equal(cmp(parseQuantity(d.capacity['memory']!), parseQuantity(`${memKi}Ki`)), 0);
    assert.equal(d.capacity['cpu'], String(availableParallelism()));
    assert.equal(d.capacity['pods'], '110');
    assert.ok(parseQuantity(d.capacity['ephemeral-storage']!).value() > 0);
    assert.ok('hugepages-2Mi' in d.capacity || !existsSync('/sys/kernel/mm/hugepages/hugepages-2048kB'));
    assert.equal(d.nodeInfo.kernelVersion, release());
    assert.equal(d.nodeInfo.bootID, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    assert.equal(d.nodeInfo.containerRuntimeVersion, 'containerd://1.6.20');
    assert.equal(d.nodeInfo.kubeletVersion, KUBELET_VERSION);
    assert.equal(d.nodeInfo.operatingSystem, 'linux');
    assert.equal(d.nodeInfo.architecture, goArch(process.arch));
    assert.match(d.nodeInfo.machineID, /^[0-9a-f]{32}$/);
    if (existsSync('/etc/os-release')) assert.equal(d.nodeInfo.osImage, osReleaseValue(readFileSync('/etc/os-release', 'utf8'), 'PRETTY_NAME'));
    assert.equal(d.labels['kubernetes.io/hostname'], 'host-a');
    assert.equal(d.labels['kubernetes.io/arch'], goArch(process.arch));
    const ours = Object.values(networkInterfaces()).flat().map((a) => a!.address);
    assert.ok(ours.includes(d.nodeIP), `${d.nodeIP} is an address of this host`);
    // Allocatable: memory less the 100Mi hard eviction threshold (and huge pages), storage less 10%.
    let expectMem = sub(parseQuantity(d.capacity['memory']!), parseQuantity('100Mi'));
    for (const [k, v] of Object.entries(d.capacity)) if (k.startsWith('hugepages-')) expectMem = sub(expectMem, parseQuantity(v));
    assert.equal(d.allocatable!['memory'], expectMem.toString());
    const storage = parseQuantity(d.capacity['ephemeral-storage']!).value();
    assert.equal(parseQuantity(d.allocatable!['ephemeral-storage']!).value(), storage - Math.floor(storage * 0.1));
    assert.equal(d.allocatable!['cpu'], d.capacity['cpu']);
  });

  it('honours the node IP, max pods and reservations', async () => {
    const d = await describeHost({ nodeName: 'host-b', dataDir, nodeIP: '10.9.8.7', runtimeVersion: 'containerd://1.6.20', maxPods: 7, reserved: { cpu: '100m', memory: '1Gi', 'ephemeral-storage': '1Gi' } });
    assert.equal(d.nodeIP, '10.9.8.7');
    assert.equal(d.capacity['pods'], '7');
    assert.equal(d.allocatable!['cpu'], sub(parseQuantity(d.capacity['cpu']!), parseQuantity('100m')).toString());
    let expectMem = sub(sub(parseQuantity(d.capacity['memory']!), parseQuantity('1Gi')), parseQuantity('100Mi'));
    for (const [k, v] of Object.entries(d.capacity)) if (k.startsWith('hugepages-')) expectMem = sub(expectMem, parseQuantity(v));
    assert.equal(d.allocatable!['memory'], expectMem.toString());
  });

  it('keeps one machine id across calls', async () => {
    const a = await describeHost({ nodeName: 'h', dataDir, runtimeVersion: 'x://1' });
    const b = await describeHost({ nodeName: 'h', dataDir, runtimeVersion: 'x://1' });
    assert.equal(a.nodeInfo.machineID, b.nodeInfo.machineID);
    if (!existsSync('/etc/machine-id')) assert.equal(readFileSync(join(dataDir, 'machine-id'), 'utf8').trim(), a.nodeInfo.machineID);
  });
});

describe('hostPressure', () => {
  it('compares the host against the thresholds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8ts-pressure-'));
    try {
      const calm = await hostPressure(dir, { thresholds: { memoryAvailableBytes: 0n, nodefsAvailable: 0, nodefsInodesFree: 0, imagefsAvailable: 0, imagefsInodesFree: 0, pidAvailable: 0 } });
      assert.deepEqual(calm, { memory: false, disk: false, pid: false });
      const impossible = { memoryAvailableBytes: 1n << 62n, nodefsAvailable: 1.01, nodefsInodesFree: 0, imagefsAvailable: 0, imagefsInodesFree: 0, pidAvailable: 1.01 };
      assert.deepEqual(await hostPressure(dir, { thresholds: impossible }), { memory: true, disk: true, pid: true });
      // The image filesystem alone can raise disk pressure.
      assert.equal((await hostPressure(dir, { imageFsDir: dir, thresholds: { nodefsAvailable: 0, imagefsAvailable: 1.01 } })).disk, true);
      // A healthy test machine under the defaults.
      assert.equal((await hostPressure(dir)).pid, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('nodeStatus with allocatable and pressure', () => {
  const desc = (): NodeDescription => ({
    name: 'n',
    nodeIP: '10.0.0.1',
    capacity: { cpu: '4', memory: '8Gi', pods: '110' },
    allocatable: { cpu: '3900m', memory: '7Gi', pods: '110' },
    labels: {},
    nodeInfo: { machineID: 'm', systemUUID: 's', bootID: 'b', kernelVersion: 'k', osImage: 'o', containerRuntimeVersion: 'c', kubeletVersion: KUBELET_VERSION, kubeProxyVersion: '', operatingSystem: 'linux', architecture: 'amd64' },
  });
  const cond = (s: ReturnType<typeof nodeStatus>, type: string) => s.conditions!.find((c) => c.type === type)!;

  it('reports allocatable apart from capacity and each pressure with upstream reasons', () => {
    const d = desc();
    const calm = nodeStatus(d, undefined, 1_000_000);
    assert.deepEqual(calm.allocatable, { cpu: '3900m', memory: '7Gi', pods: '110' });
    assert.deepEqual(calm.capacity, { cpu: '4', memory: '8Gi', pods: '110' });
    assert.equal(cond(calm, 'MemoryPressure').reason, 'KubeletHasSufficientMemory');
    d.pressure = { memory: true, disk: true, pid: true };
    const hot = nodeStatus(d, calm, 2_000_000);
    assert.deepEqual(
      ['MemoryPressure', 'DiskPressure', 'PIDPressure'].map((t) => [cond(hot, t).status, cond(hot, t).reason, cond(hot, t).message]),
      [
        ['True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'],
        ['True', 'KubeletHasDiskPressure', 'kubelet has disk pressure'],
        ['True', 'KubeletHasInsufficientPID', 'kubelet has insufficient PID available'],
      ],
    );
    assert.notEqual(cond(hot, 'MemoryPressure').lastTransitionTime, cond(calm, 'MemoryPressure').lastTransitionTime);
    assert.equal(cond(hot, 'Ready').lastTransitionTime, cond(calm, 'Ready').lastTransitionTime);
    assert.ok(nodeStatusChanged(calm, hot));
    // Without the new fields the sim's behaviour is unchanged: allocatable is capacity.
    const plain = desc();
    delete plain.allocatable;
    assert.deepEqual(nodeStatus(plain, undefined, 0).allocatable, plain.capacity);
  });
});
