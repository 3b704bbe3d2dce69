// The agent's own containerd (k3s-style): config and state under the agent's data dir, output to
// a log file there, started in its own session so that neither a terminal's Ctrl-C nor a `kill -9`
// of the agent takes it down. Containers live in containerd-shim processes that outlive containerd
// anyway; a containerd restarted on the same root and state re-attaches to them. A new agent finds
// a containerd its predecessor left running through the pid file and keeps using it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { containerdConfig, containerdDir } from './config.js';
import { loadRegistries, registryWarnings, writeRegistryHosts } from './registries.js';

export interface ContainerdOptions {
  /** The agent's data dir; containerd's files go under <dataDir>/containerd. */
  dataDir: string;
  /** containerd binary (default: containerd from PATH). */
  binary?: string;
  sandboxImage: string;
  /** Where the CNI plugins are (default /usr/lib/cni, Debian's containernetworking-plugins). */
  cniBinDir?: string;
  /** Path of a k3s registries.yaml. */
  registries?: string;
  snapshotter?: string;
  /** How long to wait for the socket (default 20 s). */
  startTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface ContainerdProcess {
  /** unix://<socket>, for gRPC clients. */
  readonly endpoint: string;
  readonly socket: string;
  /** Where the node's CNI conflist goes (writeCniConfig). */
  readonly cniConfDir: string;
  /** The current containerd's pid (it changes if containerd had to be restarted). */
  readonly pid: number;
  /** Stops containerd (SIGTERM, SIGKILL after 10 s). Running containers keep running. */
  stop(): Promise<void>;
}

const SOCKET_PATH_MAX = 107 - '.ttrpc'.length;

/**
 * Where the agent's containerd listens: under its data dir, unless that path is too long for a
 * unix socket; then a short path in /run derived from the data dir, the same for every start.
 */
export function containerdSocketPath(dataDir: string): string {
  const preferred = join(containerdDir(dataDir), 'containerd.sock');
  if (Buffer.byteLength(preferred) <= SOCKET_PATH_MAX) return preferred;
  const id = createHash('sha256').update(containerdDir(dataDir)).digest('hex').slice(0, 12);
  return `/run/k8ts-containerd-${id}.sock`;
}

/** The socket path of a containerd endpoint (unix:///x, unix:/x or a bare path). */
export function endpointSocket(endpoint: string): string {
  return endpoint.replace(/^unix:\/\//, '').replace(/^unix:/, '');
}

/** Resolves when the socket accepts a connection, false on refusal. */
function canConnect(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    const done = (ok: boolean): void => {
      c.destroy();
      resolve(ok);
    };
    c.once('connect', () => done(true));
    c.once('error', () => done(false));
    c.setTimeout(1000, () => done(false));
  });
}

export async function isContainerdListening(socket: string): Promise<boolean> {
  return canConnect(socket);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in the pid file, if that process is a containerd running our config. */
function ourRunningContainerd(pidFile: string, configPath: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return undefined;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('containerd')) && argv.includes(configPath) ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function lastLines(file: string, n: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-n).join('\n');
}

async function writeAtomic(path: string, text: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, text, { mode });
  await rename(tmp, path);
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (alive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

/** Forwards containerd's warnings and errors from its log file to the agent's log. */
class LogFollower {
  private offset = 0;
  private timer?: NodeJS.Timeout;
  private reading = false;
  constructor(private readonly file: string, private readonly log: (line: string) => void) {}

  async start(fromEnd: boolean): Promise<void> {
    this.offset = fromEnd ? ((await stat(this.file).catch(() => undefined))?.size ?? 0) : 0;
    this.timer = setInterval(() => void this.poll(), 1000);
    this.timer.unref();
  }

  /** The log was rotated: read the new file from its start. */
  rewind(): void {
    this.offset = 0;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async poll(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      const fh = await open(this.file, 'r');
      try {
        const { size } = await fh.stat();
        if (size < this.offset) this.offset = 0;
        const len = Math.min(size - this.offset, 1 << 20);
        if (len <= 0) return;
        const buf = Buffer.alloc(len);
        const { bytesRead } = await fh.read(buf, 0, len, this.offset);
        const text = buf.subarray(0, bytesRead).toString('utf8');
        const end = text.lastIndexOf('\n');
        if (end < 0) return;
        this.offset += Buffer.byteLength(text.slice(0, end + 1));
        for (const line of text.slice(0, end).split('\n')) {
          if (/\blevel=(warning|error|fatal|panic)\b/.test(line)) this.log(`containerd: ${line}`);
        }
      } finally {
        await fh.close();
      }
    } catch {
      // The log is best effort; containerd's own health is watched elsewhere.
    } finally {
      this.reading = false;
    }
  }
}

class Supervisor implements ContainerdProcess {
  readonly endpoint: string;
  readonly socket: string;
  readonly cniConfDir: string;
  pid = 0;
  private child?: ChildProcess;
  private stopping = false;
  private restarts = 0;
  private restartTimer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private readonly dir: string;
  private readonly configPath: string;
  private readonly pidFile: string;
  private readonly logFile: string;
  private readonly follower: LogFollower;
  private readonly log: (line: string) => void;

  constructor(private readonly o: ContainerdOptions) {
    this.dir = containerdDir(o.dataDir);
    this.socket = containerdSocketPath(o.dataDir);
    this.endpoint = `unix://${this.socket}`;
    this.cniConfDir = join(o.dataDir, 'cni', 'net.d');
    this.configPath = join(this.dir, 'config.toml');
    this.pidFile = join(this.dir, 'containerd.pid');
    this.logFile = join(this.dir, 'containerd.log');
    this.log = o.log ?? (() => {});
    this.follower = new LogFollower(this.logFile, this.log);
  }

  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await mkdir(this.cniConfDir, { recursive: true, mode: 0o755 });
    let registryConfigDir: string | undefined;
    if (this.o.registries !== undefined) {
      const config = await loadRegistries(this.o.registries);
      for (const w of registryWarnings(config)) this.log(w);
      registryConfigDir = join(this.dir, 'certs.d');
      await writeRegistryHosts(registryConfigDir, config);
    }
    const text = containerdConfig({
      dataDir: this.o.dataDir,
      socket: this.socket,
      sandboxImage: this.o.sandboxImage,
      cniBinDir: this.o.cniBinDir ?? '/usr/lib/cni',
      cniConfDir: this.cniConfDir,
      registryConfigDir,
      snapshotter: this.o.snapshotter,
    });
    const previous = await readFile(this.configPath, 'utf8').catch(() => undefined);
    const running = ourRunningContainerd(this.pidFile, this.configPath);
    if (running !== undefined && previous === text && (await canConnect(this.socket))) {
      this.pid = running;
      this.log(`containerd: reusing the running containerd (pid ${running}) on ${this.socket}`);
      await this.follower.start(true);
      this.watch();
      return;
    }
    if (running !== undefined) {
      // Left by an earlier agent with another configuration (or not answering): replace it.
      this.log(`containerd: stopping the earlier containerd (pid ${running}) to apply a new configuration`);
      await this.terminate(running);
    }
    if (await canConnect(this.socket)) {
      // Not the containerd of our pid file: starting a second one on the same root would hang on its lock.
      throw new Error(`another process already serves ${this.socket}; stop it or pass its endpoint with --container-runtime-endpoint`);
    }
    await writeAtomic(this.configPath, text, 0o600);
    await this.spawn();
    await this.follower.start(false);
  }

  private async spawn(): Promise<void> {
    await rename(this.logFile, `${this.logFile}.1`).catch(() => {});
    this.follower.rewind();
    // containerd writes straight to the file, so its output outlives this process.
    const fd = openSync(this.logFile, 'a', 0o600);
    let child: ChildProcess;
    try {
      const path = process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin';
      const extra = ['/usr/local/sbin', '/usr/sbin', '/sbin'].filter((p) => !path.split(':').includes(p));
      child = spawn(this.o.binary ?? 'containerd', ['--config', this.configPath], {
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, PATH: [path, ...extra].join(':') },
      });
    } finally {
      closeSync(fd);
    }
    const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
    const exited = new Promise<string>((resolve) => child.once('exit', (code, sig) => resolve(sig ? `signal ${sig}` : `exit code ${code}`)));
    child.unref();
    this.child = child;
    const early = await Promise.race([spawnError.then((e) => `could not run ${this.o.binary ?? 'containerd'}: ${e.message}`), new Promise<undefined>((r) => setImmediate(r, undefined))]);
    if (early) throw new Error(early);
    this.pid = child.pid ?? 0;
    await writeAtomic(this.pidFile, `${this.pid}\n`, 0o644);
    const timeout = this.o.startTimeoutMs ?? 20_000;
    const deadline = Date.now() + timeout;
    let exitReason: string | undefined;
    void exited.then((r) => (exitReason = r));
    for (;;) {
      if (exitReason !== undefined) {
        throw new Error(`containerd exited during start-up (${exitReason}); last lines of ${this.logFile}:\n${await lastLines(this.logFile, 10)}`);
      }
      if (await canConnect(this.socket)) break;
      if (Date.now() > deadline) {
        await this.terminate(this.pid);
        throw new Error(`containerd did not listen on ${this.socket} within ${timeout / 1000} s; last lines of ${this.logFile}:\n${await lastLines(this.logFile, 10)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    this.log(`containerd: started (pid ${this.pid}) on ${this.socket}, log ${this.logFile}`);
    void exited.then((reason) => this.onExit(child, reason));
  }

  /** A reused containerd is not our child: notice its death by polling. */
  private watch(): void {
    this.watchTimer = setInterval(() => {
      if (!this.stopping && this.child === undefined && !alive(this.pid)) {
        clearInterval(this.watchTimer);
        this.onExit(undefined, 'gone');
      }
    }, 1000);
    this.watchTimer.unref();
  }

  private onExit(child: ChildProcess | undefined, reason: string): void {
    if (this.stopping || child !== this.child) return;
    this.child = undefined;
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(this.restarts, 5));
    this.restarts++;
    this.log(`containerd: exited unexpectedly (${reason}); restarting in ${delay / 1000} s`);
    this.restartTimer = setTimeout(() => {
      this.spawn().catch((err: Error) => {
        this.log(`containerd: restart failed: ${err.message.split('\n')[0]}`);
        this.onExit(undefined, 'restart failed');
      });
    }, delay);
    this.restartTimer.unref();
  }

  private async terminate(pid: number): Promise<void> {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      return;
    }
    if (!(await waitForExit(pid, 10_000))) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await waitForExit(pid, 5_000);
    }
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    if (this.watchTimer) clearInterval(this.watchTimer);
    this.follower.stop();
    if (this.pid > 0) await this.terminate(this.pid);
    await rm(this.pidFile, { force: true });
  }
}

/** Starts the agent's containerd, or adopts the one an earlier agent left running. */
export async function startContainerd(o: ContainerdOptions): Promise<ContainerdProcess> {
  const s = new Supervisor(o);
  await s.start();
  return s;
}
