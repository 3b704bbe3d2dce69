// Links in proxied pages, as upstream's proxy rewrites them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rewriteHtml } from './html-rewrite.js';

const prefix = (url: string) => (url.startsWith('/') ? `/p${url}` : url);

test('URL attributes of the tags that carry them are rewritten; other attributes, comments and raw text are not', () => {
  const page = [
    '<html><head><link rel="stylesheet" href="/style.css"><script src=\'/app.js\'>var a = "<a href=\\"/in-script\\">";</script></head>',
    '<body background=/bg.png><!-- <a href="/in-comment"> -->',
    '<A HREF="/upper">x</A><a title="/not-a-url" href="relative">y</a><img src="/i.png" alt="/alt"/>',
    '<form action="/submit" method="post"><input type="image" src="/btn.png"></form><div data-href="/kept"></div></body></html>',
  ].join('');
  assert.equal(
    rewriteHtml(page, prefix),
    [
      '<html><head><link rel="stylesheet" href="/p/style.css"><script src=\'/p/app.js\'>var a = "<a href=\\"/in-script\\">";</script></head>',
      '<body background="/p/bg.png"><!-- <a href="/in-comment"> -->',
      '<A HREF="/p/upper">x</A><a title="/not-a-url" href="relative">y</a><img src="/p/i.png" alt="/alt"/>',
      '<form action="/p/submit" method="post"><input type="image" src="/p/btn.png"></form><div data-href="/kept"></div></body></html>',
    ].join(''),
  );
});
