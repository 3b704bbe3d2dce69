// The links in a proxied HTML page, rewritten as upstream's proxy transport rewrites them
// (apimachinery/pkg/util/proxy/rewrite.go): the URL attributes of the tags that carry one, so a
// page served at `/` on the backend links to its own paths below the proxy prefix. Comments and
// the contents of raw-text elements (script, style, …) are left as they are, as an HTML
// tokenizer leaves them.

/** upstream's atomsToAttrs: which attributes of which tags hold URLs. */
const URL_ATTRS: Record<string, readonly string[]> = {
  a: ['href'],
  applet: ['codebase'],
  area: ['href'],
  audio: ['src'],
  base: ['href'],
  blockquote: ['cite'],
  body: ['background'],
  button: ['formaction'],
  command: ['icon'],
  del: ['cite'],
  embed: ['src'],
  form: ['action'],
  frame: ['longdesc', 'src'],
  head: ['profile'],
  html: ['manifest'],
  iframe: ['longdesc', 'src'],
  img: ['longdesc', 'src', 'usemap'],
  input: ['src', 'usemap', 'formaction'],
  ins: ['cite'],
  link: ['href'],
  object: ['classid', 'codebase', 'data', 'usemap'],
  q: ['cite'],
  script: ['src'],
  source: ['src'],
  video: ['poster', 'src'],
};

const RAW_TEXT = 'script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext';
const TOKENS = new RegExp(`<!--[\\s\\S]*?-->|<(${RAW_TEXT})\\b([^>]*)>([\\s\\S]*?)</\\1\\s*>|<([a-zA-Z][a-zA-Z0-9-]*)(\\s[^>]*)?>`, 'gi');
const ATTR = /(\s)([^\s"'<>/=]+)(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g;

function rewriteAttrs(tag: string, attrs: string, rewrite: (url: string) => string): string {
  const names = URL_ATTRS[tag.toLowerCase()];
  if (!names) return attrs;
  return attrs.replace(ATTR, (whole, space: string, name: string, eq: string, dq?: string, sq?: string, bare?: string) => {
    if (!names.includes(name.toLowerCase())) return whole;
    const value = dq ?? sq ?? bare ?? '';
    const quote = sq !== undefined ? "'" : '"';
    return `${space}${name}${eq}${quote}${rewrite(value)}${quote}`;
  });
}

export function rewriteHtml(html: string, rewrite: (url: string) => string): string {
  return html.replace(TOKENS, (whole, rawTag?: string, rawAttrs?: string, rawBody?: string, tag?: string, attrs?: string) => {
    if (rawTag !== undefined) return `<${rawTag}${rewriteAttrs(rawTag, rawAttrs ?? '', rewrite)}>${rawBody}</${rawTag}>`;
    if (tag === undefined || !attrs) return whole;
    return `<${tag}${rewriteAttrs(tag, attrs, rewrite)}>`;
  });
}
