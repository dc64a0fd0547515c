/**
 * `rd` values for the open-redirect tests, for a gateway at https://auth.example.com with the
 * cookie domain example.com. A hostile value must fall back; a legitimate one must come back as
 * the URL the browser would visit.
 */

export interface RedirectCase {
  kind: string
  rd: string
}

export const HOSTILE_REDIRECTS: RedirectCase[] = [
  // Scheme-relative and scheme-less: the browser fills in the scheme and goes to the host.
  { kind: 'scheme-relative', rd: '//evil.test' },
  { kind: 'scheme-relative', rd: '//evil.test/https://app.example.com/' },
  { kind: 'scheme-relative', rd: '///evil.test' },
  { kind: 'scheme-relative', rd: '////evil.test/' },
  { kind: 'scheme-relative', rd: 'https:evil.test' },
  { kind: 'scheme-relative', rd: 'https:/evil.test' },
  { kind: 'scheme-relative', rd: 'https:///evil.test' },
  { kind: 'scheme-less', rd: 'evil.test' },
  { kind: 'scheme-less', rd: 'app.example.com' },
  { kind: 'relative path', rd: '/dashboard' },
  // Backslashes, which browsers read as slashes.
  { kind: 'backslash', rd: '/\\evil.test' },
  { kind: 'backslash', rd: '\\\\evil.test' },
  { kind: 'backslash', rd: 'https:\\\\evil.test' },
  { kind: 'backslash', rd: 'https:/\\evil.test' },
  { kind: 'backslash', rd: 'https://evil.test\\@app.example.com' },
  { kind: 'backslash', rd: 'https://evil.test\\.example.com' },
  { kind: 'backslash', rd: 'https://app.example.com\\@evil.test' },
  // Userinfo: the text before @ is a user name, not the host.
  { kind: 'userinfo', rd: 'https://app.example.com@evil.test' },
  { kind: 'userinfo', rd: 'https://app.example.com:443@evil.test/' },
  { kind: 'userinfo', rd: 'https://evil.test@app.example.com/' },
  { kind: 'userinfo', rd: 'https://user:password@app.example.com/' },
  // Encoded and double-encoded separators.
  { kind: 'encoded separator', rd: 'https://app.example.com%40evil.test/' },
  { kind: 'encoded separator', rd: 'https://evil.test%2f.example.com/' },
  { kind: 'encoded separator', rd: 'https://evil.test%2F@app.example.com/' },
  { kind: 'encoded separator', rd: 'https://evil.test%5c.example.com/' },
  { kind: 'encoded separator', rd: 'https://evil.test%23.example.com/' },
  { kind: 'encoded separator', rd: 'https://evil.test%3f.example.com/' },
  { kind: 'encoded separator', rd: 'https://evil.test%00.example.com/' },
  { kind: 'double-encoded separator', rd: 'https://evil.test%252f.example.com/' },
  { kind: 'double-encoded separator', rd: 'https://app.example.com%2540evil.test/' },
  { kind: 'triple-encoded separator', rd: 'https://evil.test%25252f.example.com/' },
  { kind: 'encoded scheme', rd: 'https%3A%2F%2Fevil.test' },
  { kind: 'encoded scheme', rd: '%2F%2Fevil.test' },
  { kind: 'encoded scheme', rd: 'https%3a//evil.test' },
  // Control characters and invisible whitespace, which browsers strip or stop at.
  { kind: 'control character', rd: 'https:\t//evil.test' },
  { kind: 'control character', rd: '\thttps://evil.test' },
  { kind: 'control character', rd: 'https://evil.test\n.example.com/' },
  { kind: 'control character', rd: 'https://app.example.com\u0000.evil.test/' },
  { kind: 'control character', rd: '\u0000https://app.example.com/' },
  { kind: 'control character', rd: '\u001fhttps://evil.test' },
  { kind: 'control character', rd: 'https://app.example.com/\r\nSet-Cookie: pushgate_session=forged' },
  { kind: 'control character', rd: ' https://evil.test' },
  { kind: 'control character', rd: 'https://evil.test\u00a0.example.com/' },
  { kind: 'control character', rd: 'https://evil.test\u200b.example.com/' },
  { kind: 'control character', rd: 'https://evil.test\ufeff.example.com/' },
  { kind: 'control character', rd: 'https://evil.test\u2028.example.com/' },
  // Look-alike and suffix hosts.
  { kind: 'suffix host', rd: 'https://example.com.evil.test/' },
  { kind: 'suffix host', rd: 'https://app.example.com.evil.test/' },
  { kind: 'suffix host', rd: 'https://evilexample.com/' },
  { kind: 'suffix host', rd: 'https://example.co/' },
  { kind: 'suffix host', rd: 'https://example.com.' },
  { kind: 'suffix host', rd: 'https://app.example.com./' },
  { kind: 'look-alike host', rd: 'https://ex\u0430mple.com/' },
  { kind: 'look-alike host', rd: 'https://app.ex\u0430mple.com/' },
  { kind: 'look-alike host', rd: 'https://xn--exmple-4nf.com/' },
  // Unicode dots (U+3002, U+FF0E, U+FF61) that the URL parser turns into ASCII dots.
  { kind: 'Unicode dot', rd: 'https://evil\u3002test/' },
  { kind: 'Unicode dot', rd: 'https://evil\uff0etest/' },
  { kind: 'Unicode dot', rd: 'https://evil\uff61test/' },
  { kind: 'Unicode dot', rd: 'https://app.example.com\u3002evil.test/' },
  { kind: 'Unicode dot', rd: 'https://example\u3002com\u3002evil.test/' },
  // Hosts disguised with IDN mappings: fullwidth and enclosed letters map to ASCII.
  { kind: 'IDN disguise', rd: 'https://\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.\uff43\uff4f\uff4d.evil.test/' },
  { kind: 'IDN disguise', rd: 'https://\u24d4\u24e5\u24d8\u24db.test/' },
  { kind: 'IDN disguise', rd: 'https://EVIL.TEST/' },
  // Ports and IP forms.
  { kind: 'IP form', rd: 'https://127.0.0.1/' },
  { kind: 'IP form', rd: 'https://2130706433/' },
  { kind: 'IP form', rd: 'https://0x7f.0.0.1/' },
  { kind: 'IP form', rd: 'https://0177.0.0.1/' },
  { kind: 'IP form', rd: 'https://[::1]/' },
  { kind: 'IP form', rd: 'https://[::ffff:7f00:1]/' },
  { kind: 'IP form', rd: 'https://169.254.169.254/latest/meta-data/' },
  { kind: 'port', rd: 'https://evil.test:443/' },
  { kind: 'port', rd: 'https://app.example.com:99999/' },
  { kind: 'port', rd: 'https://app.example.com:443:443/' },
  // Host boundaries moved by #, ? and /.
  { kind: 'delimiter', rd: 'https://evil.test#@app.example.com/' },
  { kind: 'delimiter', rd: 'https://evil.test?@app.example.com/' },
  { kind: 'delimiter', rd: 'https://evil.test/.example.com/' },
  { kind: 'host outside DNS names', rd: 'https://evil.test;.example.com/' },
  { kind: 'host outside DNS names', rd: 'https://evil.test&.example.com/' },
  { kind: 'host outside DNS names', rd: 'https://evil.test,.example.com/' },
  { kind: 'host outside DNS names', rd: 'https://evil.test*.example.com/' },
  // Schemes other than http(s), and http while publicUrl is https.
  { kind: 'scheme', rd: 'javascript:alert(document.cookie)' },
  { kind: 'scheme', rd: 'JavaScript:alert(1)' },
  { kind: 'scheme', rd: 'javascript://app.example.com/%0aalert(1)' },
  { kind: 'scheme', rd: 'data:text/html,<script>alert(1)</script>' },
  { kind: 'scheme', rd: 'vbscript:msgbox(1)' },
  { kind: 'scheme', rd: 'file:///etc/passwd' },
  { kind: 'scheme', rd: 'ftp://app.example.com/' },
  { kind: 'scheme', rd: 'ws://app.example.com/' },
  { kind: 'scheme', rd: 'wss://app.example.com/' },
  { kind: 'scheme', rd: 'blob:https://app.example.com/0f6a3f1e' },
  { kind: 'scheme', rd: 'mailto:alice@example.com' },
  { kind: 'scheme', rd: 'http://app.example.com/' },
  { kind: 'scheme', rd: 'HTTP://app.example.com/' },
  // Size and emptiness.
  { kind: 'too long', rd: `https://app.example.com/${'a'.repeat(5000)}` },
  { kind: 'empty', rd: '' }
]

export const LEGITIMATE_REDIRECTS: RedirectCase[] = [
  { kind: 'subdomain', rd: 'https://app.example.com/' },
  { kind: 'cookie domain itself', rd: 'https://example.com/' },
  { kind: 'pushgate itself', rd: 'https://auth.example.com/' },
  { kind: 'deep subdomain', rd: 'https://a.b.c.example.com/x' },
  { kind: 'any port', rd: 'https://app.example.com:8443/dashboard' },
  { kind: 'any port', rd: 'https://grafana.example.com:3000/d/abc?orgId=1' },
  { kind: 'default port', rd: 'https://app.example.com:443/' },
  { kind: 'encoded path and query', rd: 'https://app.example.com/path%20with%20space?q=a%26b&x=%2F%3F#section' },
  { kind: 'encoded URL in the query', rd: 'https://app.example.com/%E2%9C%93?next=https%3A%2F%2Fevil.test%2F' },
  { kind: 'repeated query keys', rd: 'https://app.example.com/search?tag=a&tag=b' },
  { kind: 'Unicode path', rd: 'https://app.example.com/\u00fcber?q=\u00e4' },
  { kind: 'upper-case host', rd: 'https://APP.EXAMPLE.COM/Case' },
  { kind: 'IDN subdomain', rd: 'https://m\u00fcnchen.example.com/' },
  { kind: 'punycode subdomain', rd: 'https://xn--mnchen-3ya.example.com/' },
  { kind: '@ in the path', rd: 'https://app.example.com/@evil.test' },
  { kind: 'double slash in the path', rd: 'https://app.example.com//evil.test' },
  { kind: 'fragment', rd: 'https://app.example.com/#/route?x=1' },
  { kind: 'empty userinfo, which the parser drops', rd: 'https://:@app.example.com/' }
]
