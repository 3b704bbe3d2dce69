// kube-apiserver's --token-auth-file: static bearer tokens from a CSV file, one a line,
// `token,user,uid,"group1,group2"` (the groups column optional), as upstream's tokenfile
// (a repeated token: the later line wins).
import { readFileSync } from 'node:fs';
import { StaticTokenAuthenticator, type UserInfo } from './token.js';

/** One CSV record; quoted fields may hold commas and doubled quotes. */
function csvFields(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur === '') quoted = true;
    else if (ch === ',') out.push(cur), (cur = '');
    else cur += ch;
  }
  out.push(cur);
  return out;
}

export function parseTokenFile(text: string, file: string): { token: string; user: UserInfo }[] {
  const out: { token: string; user: UserInfo }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const rec = csvFields(raw).map((f) => f.trim());
    if (rec.length < 3) throw new Error(`token file '${file}' must have at least 3 columns (token, user name, user uid), found ${rec.length}`);
    const [token, name, uid] = rec as [string, string, string];
    if (!token) throw new Error(`token file '${file}' has empty token at line ${i + 1}`);
    const groups = rec.length > 3 && rec[3] ? rec[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
    const user: UserInfo = { name, groups };
    if (uid) user.uid = uid;
    out.push({ token, user });
  });
  return out;
}

export function tokenFileAuthenticator(file: string): StaticTokenAuthenticator {
  const a = new StaticTokenAuthenticator();
  for (const { token, user } of parseTokenFile(readFileSync(file, 'utf8'), file)) a.add(token, user);
  return a;
}
