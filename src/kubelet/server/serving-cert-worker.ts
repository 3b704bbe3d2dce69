// Runs in a worker thread (serving-cert.ts): a self-signed CA and the kubelet's serving leaf.
import { parentPort, workerData } from 'node:worker_threads';
import { createCa, issueCert } from '../../util/pki.js';

const { nodeName, dns, ips } = workerData as { nodeName: string; dns: string[]; ips: string[] };
const stamp = Math.floor(Date.now() / 1000);
const ca = await createCa(`${nodeName}-ca@${stamp}`);
const leaf = await issueCert(ca, { commonName: `${nodeName}@${stamp}`, dnsNames: dns, ips, usage: 'server', days: 365 });
parentPort!.postMessage({ cert: leaf.cert + ca.cert, key: leaf.key });
