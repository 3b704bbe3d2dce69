// Tokenizer for the label selector string form (`a=b,c in (x,y),!d`).

export type TokenKind =
  | 'error'
  | 'eos'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

export interface Token {
  kind: TokenKind;
  literal: string;
}

const keywords = new Map<string, TokenKind>(Object.entries({
  ')': 'closePar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
}) as [string, TokenKind][]);

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => '=!(),><'.includes(ch);

export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input[pos]!)) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: 'eos', literal: '' });
      return tokens;
    }
    if (isSpecialSymbol(input[pos]!)) {
      // Longest run of symbols that still forms a known operator ("!=" rather than "!" then "=").
      let buf = '';
      let last: Token | undefined;
      while (pos < input.length && isSpecialSymbol(input[pos]!)) {
        buf += input[pos]!;
        const kind = keywords.get(buf);
        if (kind) last = { kind, literal: buf };
        else if (last) break;
        pos++;
      }
      tokens.push(last ?? { kind: 'error', literal: `error expected: keyword found '${buf}'` });
      continue;
    }
    const start = pos;
    while (pos < input.length && !isSpecialSymbol(input[pos]!) && !isWhitespace(input[pos]!)) pos++;
    const word = input.slice(start, pos);
    tokens.push({ kind: keywords.get(word) ?? 'identifier', literal: word });
  }
}
