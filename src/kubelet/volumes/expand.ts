// Kubernetes' $(VAR) expansion (the syntax of command, args, env and subPathExpr): `$(NAME)` is
// replaced through the mapping, `$$` is a literal `$`, anything else is kept as written.

export function expandVars(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') out += '$';
    else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close > 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else out += '$(';
    } else out += '$' + rest[0];
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** subPathExpr expansion: every referenced variable must be set and non-empty (upstream's rule). */
export function expandSubPathExpr(expr: string, env: Record<string, string>): string {
  const missing = new Set<string>();
  const out = expandVars(expr, (name) => {
    const v = Object.prototype.hasOwnProperty.call(env, name) ? env[name]! : '';
    if (!v) missing.add(name);
    return v;
  });
  if (missing.size) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}
