import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as n from './names.js';

test('DNS-1123 subdomain', () => {
  for (const ok of ['a', 'example.com', 'a-b.c-d', '0', 'a'.repeat(253)]) assert.deepEqual(n.isDNS1123Subdomain(ok), [], ok);
  assert.deepEqual(n.isDNS1123Subdomain('Example.com'), [
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
  ]);
  for (const bad of ['', '-a', 'a-', 'a..b', 'a_b', '.a']) assert.equal(n.isDNS1123Subdomain(bad).length, 1, bad);
  assert.deepEqual(n.isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
});

test('DNS-1123 label and DNS-1035 label', () => {
  assert.deepEqual(n.isDNS1123Label('my-name'), []);
  assert.deepEqual(n.isDNS1123Label('123-abc'), []);
  assert.deepEqual(n.isDNS1123Label('a.b'), [
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
  ]);
  assert.deepEqual(n.isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.deepEqual(n.isDNS1035Label('abc-123'), []);
  assert.deepEqual(n.isDNS1035Label('1abc'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

test('wildcard subdomain and FQDN', () => {
  assert.deepEqual(n.isWildcardDNS1123Subdomain('*.example.com'), []);
  assert.equal(n.isWildcardDNS1123Subdomain('example.com').length, 1);
  assert.equal(n.isWildcardDNS1123Subdomain('*.*.com').length, 1);
  assert.deepEqual(n.isFullyQualifiedDomainName('stable.example.com'), []);
  assert.deepEqual(n.isFullyQualifiedDomainName('example'), ['should be a domain with at least two segments separated by dots']);
});

test('qualified names', () => {
  for (const ok of ['a', 'MyName', 'my.name', '123-abc', 'example.com/MyName', 'app.kubernetes.io/name', 'a'.repeat(63)]) assert.deepEqual(n.isQualifiedName(ok), [], ok);
  const nameMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  assert.deepEqual(n.isQualifiedName('-a'), [nameMsg]);
  assert.deepEqual(n.isQualifiedName(''), ['name part must be non-empty', nameMsg]);
  assert.deepEqual(n.isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  assert.deepEqual(n.isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.equal(n.isQualifiedName('Example.com/a')[0]!.startsWith('prefix part a lowercase RFC 1123 subdomain'), true);
  assert.equal(n.isQualifiedName('a/b/c')[0]!.startsWith('a qualified name must consist of'), true);
  assert.equal(n.isQualifiedName('a/b/c')[0]!.endsWith("with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"), true);
});

test('label values', () => {
  for (const ok of ['', 'a', 'MyValue', 'my_value', '12345', 'a'.repeat(63)]) assert.deepEqual(n.isValidLabelValue(ok), [], ok);
  assert.deepEqual(n.isValidLabelValue('-x'), [
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
  ]);
  assert.deepEqual(n.isValidLabelValue('a'.repeat(64)), ['must be no more than 63 characters']);
});

test('env var names, config keys, header names', () => {
  assert.deepEqual(n.isEnvVarName('MY_ENV.NAME'), []);
  assert.equal(n.isEnvVarName('1ABC').length, 1);
  assert.deepEqual(n.isEnvVarName('..a'), ["must not start with '..'"]);
  assert.deepEqual(n.isEnvVarName('.'), ["must not be '.'"]);
  assert.deepEqual(n.isRelaxedEnvVarName('1 A-b'), []);
  assert.deepEqual(n.isRelaxedEnvVarName('A=B'), ["a valid environment variable name must consist only of printable ASCII characters other than '='"]);
  assert.deepEqual(n.isConfigMapKey('key.name'), []);
  assert.deepEqual(n.isConfigMapKey('..'), ["must not be '..'"]);
  assert.deepEqual(n.isConfigMapKey('a/b'), [
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
  ]);
  assert.deepEqual(n.isHTTPHeaderName('X-Header-Name'), []);
  assert.equal(n.isHTTPHeaderName('X Header').length, 1);
});

test('ports and ranges', () => {
  assert.deepEqual(n.isValidPortName('http'), []);
  assert.deepEqual(n.isValidPortName('http-alt2'), []);
  assert.deepEqual(n.isValidPortName('8080'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(n.isValidPortName('a--b'), ['must not contain consecutive hyphens']);
  assert.deepEqual(n.isValidPortName('-ab'), ['must not begin or end with a hyphen']);
  assert.deepEqual(n.isValidPortName('Http'), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
  assert.deepEqual(n.isValidPortName('abcdefghijklmnop'), ['must be no more than 15 characters']);
  assert.deepEqual(n.isValidPortNum(80), []);
  assert.deepEqual(n.isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(n.isValidPortNum(65536), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(n.isInRange(5, 1, 4), ['must be between 1 and 4, inclusive']);
  assert.deepEqual(n.isInRange(4, 1, 4), []);
});

test('IPs and CIDRs', () => {
  for (const ok of ['10.9.8.7', '2001:db8::ffff', '::1', '::ffff:1.2.3.4', '010.0.0.1']) assert.deepEqual(n.isValidIP(ok), [], ok);
  for (const bad of ['', '256.1.1.1', '1.2.3', 'fe80::1%eth0', 'a.b.c.d']) {
    assert.deepEqual(n.isValidIP(bad), ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'], bad);
  }
  for (const ok of ['10.0.0.0/8', '2001:db8::/64', '0.0.0.0/0']) assert.deepEqual(n.isValidCIDR(ok), [], ok);
  for (const bad of ['10.0.0.0', '10.0.0.0/33', '2001:db8::/129', 'x/8', '10.0.0.0/']) {
    assert.deepEqual(n.isValidCIDR(bad), ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'], bad);
  }
  assert.deepEqual(n.isValidIPv4Address('::1'), ['must be a valid IPv4 address']);
  assert.deepEqual(n.isValidIPv6Address('1.2.3.4'), ['must be a valid IPv6 address']);
});

test('percent and path segments', () => {
  assert.deepEqual(n.isPercent('50%'), []);
  assert.equal(n.isPercent('50').length, 1);
  assert.deepEqual(n.validatePathSegmentName('..', false), ["may not be '..'"]);
  assert.deepEqual(n.validatePathSegmentName('.', false), ["may not be '.'"]);
  assert.deepEqual(n.validatePathSegmentName('a/b%c', false), ["may not contain '/'", "may not contain '%'"]);
  assert.deepEqual(n.validatePathSegmentName('..', true), []);
  assert.deepEqual(n.validatePathSegmentName('My Role:admin', false), []);
});
