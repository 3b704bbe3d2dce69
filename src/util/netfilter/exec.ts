// The netfilter tools (`nft -f -`, `iptables-restore`, `conntrack`): a script on stdin, one
// process per batch (util/exec.ts), and plain runs with no input.
import { runWithInput } from '../exec.js';

export { runWithInput };

export const run = (cmd: string, args: string[]): Promise<string> => runWithInput(cmd, args, '');
