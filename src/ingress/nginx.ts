// The data plane: Debian's nginx as a child process, driven as ingress-nginx drives it. A new
// configuration is checked (`nginx -t`) before it replaces the running one, and applied with
// SIGHUP: nginx starts new workers on it and lets the old ones finish their connections, so a
// reload drops nothing in flight. A configuration nginx refuses leaves the running one serving.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const NGINX_BINARY = '/usr/sbin/nginx';
/** Unprivileged user for the workers when we run as root (Debian's nginx package uses it too). */
const WORKER_USER = 'www-data';
const TEMP_DIRS = ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

export class Nginx {
  private child?: ChildProcess;
  /** Came up once: a later exit is a crash to recover from, not a failed start. */
  private started = false;
  private applied = '';
  private exited?: Promise<void>;
  reloads = 0;

  constructor(
    readonly prefix: string,
    private readonly log: (line: string) => void,
    private readonly binary = NGINX_BINARY,
    /** Told when nginx exits on its own (the controller's next sync starts it again). */
    private readonly onExit: () => void = () => undefined,
  ) {}

  get confPath(): string {
    return join(this.prefix, 'nginx.conf');
  }

  /** The worker user to configure: only root can switch to it, and only if it exists. */
  async workerUser(): Promise<string | undefined> {
    if (process.getuid?.() !== 0) return undefined;
    const passwd = await readFile('/etc/passwd', 'utf8').catch(() => '');
    return passwd.split('\n').some((l) => l.startsWith(`${WORKER_USER}:`)) ? WORKER_USER : undefined;
  }

  /** The folders nginx writes to; temp files belong to the worker user. */
  async prepare(user: string | undefined): Promise<void> {
    await mkdir(join(this.prefix, 'certs'), { recursive: true, mode: 0o700 });
    for (const d of TEMP_DIRS) {
      const p = join(this.prefix, 'tmp', d);
      await mkdir(p, { recursive: true, mode: 0o700 });
      if (user) {
        const { stdout } = await run('id', ['-u', user]);
        const { stdout: g } = await run('id', ['-g', user]);
        await chown(p, Number(stdout.trim()), Number(g.trim()));
      }
    }
  }

  /** Writes a file nginx reads (certificates and keys readable by the master, which runs as us, only). */
  async writePrivate(path: string, text: string): Promise<void> {
    const tmp = `${path}.tmp`;
    await writeFile(tmp, text, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, path);
  }

  /**
   * Makes `conf` the running configuration: starts nginx on the first call, reloads after.
   * Returns false (and keeps what runs) when nginx refuses it; nothing is done when it is unchanged.
   */
  async apply(conf: string): Promise<boolean> {
    if (conf === this.applied && this.child) return true;
    const candidate = join(this.prefix, 'nginx.conf.new');
    await writeFile(candidate, conf);
    try {
      await run(this.binary, ['-t', '-q', '-p', this.prefix, '-c', candidate, '-e', join(this.prefix, 'error.log')]);
    } catch (err) {
      const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
      this.log(`ingress: nginx refused the new configuration, the previous one keeps serving: ${stderr.trim()}`);
      return false;
    }
    await rename(candidate, this.confPath);
    this.applied = conf;
    if (!this.child) await this.startMaster();
    else {
      const master = this.child.pid!;
      const old = await workersOf(master);
      this.child.kill('SIGHUP');
      await oldWorkersRetired(old);
      this.reloads++;
    }
    return true;
  }

  private async startMaster(): Promise<void> {
    await this.endStaleMaster();
    const child = spawn(this.binary, ['-p', this.prefix, '-c', this.confPath, '-e', join(this.prefix, 'error.log'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('exit', (code, signal) => {
      if (this.child === child) {
        this.child = undefined;
        this.log(`ingress: nginx exited (${signal ?? code}): ${stderr.trim()}`);
        if (this.started) this.onExit();
      }
    });
    // nginx binds its ports before it forks workers; a bind failure makes it exit at once.
    const failed = await Promise.race([this.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 300))]);
    if (failed) {
      this.applied = '';
      throw new Error(`nginx did not start: ${stderr.trim() || 'exited'}`);
    }
    this.started = true;
  }

  /**
   * A master left by an agent that crashed (it outlives its parent) still holds the ports: it is
   * ended before ours starts, found by its pid file and known by our prefix in its command line.
   * SIGTERM, so it ends its workers (a killed master would leave them serving).
   */
  private async endStaleMaster(): Promise<void> {
    const pid = Number((await readFile(join(this.prefix, 'nginx.pid'), 'utf8').catch(() => '')).trim());
    if (!Number.isInteger(pid) || pid <= 1) return;
    const cmdline = async () => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).replace(/\0/g, ' ');
    const title = await cmdline();
    if (!title.includes('nginx') || !title.includes(this.prefix)) return;
    this.log(`ingress: ending the nginx (pid ${pid}) a previous run left`);
    process.kill(pid, 'SIGTERM');
    for (let waited = 0; waited < 5000 && (await cmdline()); waited += 50) await new Promise((r) => setTimeout(r, 50));
    if (await cmdline()) process.kill(pid, 'SIGKILL');
  }

  get running(): boolean {
    return !!this.child;
  }

  /**
   * Graceful stop (SIGQUIT: workers finish their requests), then after `graceMs` a fast one
   * (SIGTERM: the master ends its workers; a killed master would leave them running).
   */
  async stop(graceMs = 5000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    child.kill('SIGQUIT');
    const fast = setTimeout(() => child.kill('SIGTERM'), graceMs);
    const hard = setTimeout(() => child.kill('SIGKILL'), graceMs + 3000);
    await this.exited;
    clearTimeout(fast);
    clearTimeout(hard);
  }
}

async function workersOf(master: number): Promise<number[]> {
  const text = await readFile(`/proc/${master}/task/${master}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/**
 * Until a worker of the previous configuration has taken the master's QUIT (it then closes its
 * listening sockets and renames itself "… is shutting down") it can still accept a connection and
 * answer it with the old configuration. A reload counts as applied once none can (bounded).
 */
async function oldWorkersRetired(old: readonly number[], timeoutMs = 5000): Promise<void> {
  const accepting = async (pid: number) => {
    const title = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    return title.includes('worker process') && !title.includes('shutting down');
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const still = await Promise.all(old.map(accepting));
    if (!still.some(Boolean)) return;
    await new Promise((r) => setTimeout(r, 5));
  }
}
