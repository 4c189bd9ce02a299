package io.github.dysession.it.proof;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Malformed session cookies, and cookies that carry a well-formed id that does not exist, as raw
 * {@code Cookie} header lines. Each case says how many DynamoDB reads it may cost: 0 for a
 * malformed value (dysession must not ask DynamoDB about it), 1 for a well-formed id (one {@code
 * GetItem}, which finds nothing).
 *
 * <p>A well-formed id is what dysession issues: 43 characters of unpadded base64url encoding 32
 * bytes, so its last character is one of {@code AEIMQUYcgkosw048}. RFC 6265's optional double
 * quotes around a value and the whitespace around it are not part of the value.
 */
final class BadCookies {

  /** One input: its category, the header lines to send, and the DynamoDB reads it may cost. */
  record Case(String category, List<byte[]> headers, int reads) {
    int size() {
      return headers.stream().mapToInt(h -> h.length).sum();
    }
  }

  static final String NAME = ProofCluster.COOKIE;
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  private static final String CANONICAL_LAST = "AEIMQUYcgkosw048";
  private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

  static final List<String> INJECTIONS =
      List.of(
          "' OR '1'='1",
          "\" OR \"\"=\"",
          "1; DROP TABLE sessions; --",
          "admin'--",
          "' UNION SELECT * FROM users --",
          "{\"$ne\":null}",
          "{\"$gt\":\"\"}",
          "[$ne]=1",
          "attribute_exists(PK)",
          "#PK = :v",
          ":v",
          "PK",
          "SESSION",
          "ds_attrs",
          "ds_attrs.#n",
          "${jndi:ldap://127.0.0.1:1/a}",
          "${jndi:dns://127.0.0.1/x}",
          "${env:AWS_SECRET_ACCESS_KEY}",
          "${sys:user.home}",
          "#{7*7}",
          "{{7*7}}",
          "<%= 7*7 %>",
          "<script>alert(1)</script>",
          "\"><img src=x onerror=alert(1)>",
          "javascript:alert(1)",
          "../../../../etc/passwd",
          "..%2f..%2f..%2fetc%2fpasswd",
          "%00",
          "%0d%0aSet-Cookie:%20x=y",
          "%2e%2e%2f",
          "$(id)",
          "`id`",
          "|id",
          "; ls -la",
          "&&whoami",
          "%s%s%s%n",
          "%x%x%x%x",
          "rO0ABXNyABFqYXZhLnV0aWwuSGFzaE1hcA==",
          "aced0005737200",
          "\\u0000",
          "\\x00",
          "null",
          "undefined",
          "NaN",
          "-1",
          "0",
          "true",
          "[]",
          "{}",
          "*",
          "?",
          "=",
          "==",
          "DYSESSION=x",
          "=DYSESSION",
          "<!--",
          "]]>",
          "\\",
          "/",
          "//",
          "file:///etc/passwd",
          "http://169.254.169.254/latest/meta-data/",
          "\\\\127.0.0.1\\share",
          "$Version=1",
          "Path=/",
          "Max-Age=0",
          "HttpOnly",
          "SameSite=None; Secure",
          "Domain=.example.com",
          "%n%n%n%n",
          "AAAA%00AAAA",
          "\\r\\n",
          "X-Forwarded-For: 127.0.0.1",
          "Set-Cookie: DYSESSION=owned");

  private final Random random;
  private final SecureRandom ids = new SecureRandom();

  BadCookies(long seed) {
    this.random = new Random(seed);
  }

  /** A fresh well-formed id (nobody was ever issued it). */
  String wellFormedId() {
    byte[] bytes = new byte[32];
    ids.nextBytes(bytes);
    return URL.encodeToString(bytes);
  }

  /** At least {@code malformed} malformed cases and {@code wellFormed} well-formed unknown ids. */
  List<Case> generate(int malformed, int wellFormed) {
    List<Case> cases = new ArrayList<>(fixedMalformed());
    while (cases.size() < malformed) {
      cases.add(randomMalformed());
    }
    List<Case> good = fixedWellFormed();
    while (good.size() < wellFormed) {
      good.add(cookie("well-formed id that does not exist", 1, wellFormedId()));
    }
    cases.addAll(good);
    java.util.Collections.shuffle(cases, random);
    return cases;
  }

  /** Malformed cases of ordinary size (under 1 KB), for requests that create a session. */
  List<Case> ordinaryMalformed(int count) {
    List<Case> result = new ArrayList<>();
    for (Case c : fixedMalformed()) {
      if (c.size() < 1024 && result.size() < count) {
        result.add(c);
      }
    }
    while (result.size() < count) {
      Case c = randomMalformed();
      if (c.size() < 1024) {
        result.add(c);
      }
    }
    return result;
  }

  private List<Case> fixedMalformed() {
    List<Case> c = new ArrayList<>();
    // Empty and missing values.
    for (String line :
        new String[] {
          "Cookie: DYSESSION=",
          "Cookie: DYSESSION",
          "Cookie: DYSESSION=;",
          "Cookie: DYSESSION=; DYSESSION=",
          "Cookie: =",
          "Cookie: ",
          "Cookie:",
          "Cookie: ;;;",
          "Cookie: DYSESSION=\"\"",
          "Cookie: DYSESSION= ",
          "Cookie: DYSESSION=\"\"\"\"",
          "Cookie: DYSESSION=\"",
          "Cookie: ==DYSESSION",
          "Cookie: DYSESSION==",
          "Cookie: ; DYSESSION",
          "Cookie: DYSESSION=;;;;;;;;;;"
        }) {
      c.add(new Case("empty", List.of(latin1(line)), 0));
    }
    // Huge values: the right alphabet and the wrong length, random printable, and one character.
    for (int length :
        new int[] {
          44, 64, 100, 256, 1000, 4000, 4096, 8000, 8192, 9000, 16384, 16385, 32768, 65536, 262144,
          1048576
        }) {
      c.add(cookie("huge", 0, "A".repeat(length)));
      c.add(cookie("huge", 0, randomString(ALPHABET, length)));
      c.add(cookie("huge", 0, randomPrintable(length)));
    }
    // Right shape but one character outside base64url.
    for (char bad : "+/=.~ %!*$&#@:,\"'\\<>()[]{}|^`?".toCharArray()) {
      String id = wellFormedId();
      int at = random.nextInt(42);
      c.add(
          cookie(
              "wrong character in a 43-character id",
              0,
              id.substring(0, at) + bad + id.substring(at + 1)));
    }
    // Almost the right shape.
    String id = wellFormedId();
    c.add(cookie("wrong length", 0, id.substring(1)));
    c.add(cookie("wrong length", 0, id + "A"));
    c.add(cookie("wrong length", 0, id + "="));
    c.add(cookie("wrong length", 0, Base64.getEncoder().encodeToString(new byte[32])));
    c.add(cookie("wrong length", 0, id + id));
    for (char last : "BCDFZbdfz19-_".toCharArray()) {
      c.add(
          cookie(
              "non-canonical base64url (43 characters)",
              0,
              wellFormedId().substring(0, 42) + last));
    }
    // Non-ASCII bytes.
    for (String s :
        new String[] {
          "セッション",
          "😀".repeat(11),
          "é".repeat(43),
          "İ".repeat(43),
          "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑ",
          "\u202Eevil",
          "\uFEFF" + wellFormedId(),
          wellFormedId().substring(0, 21) + "\u00A0" + wellFormedId().substring(0, 21)
        }) {
      c.add(
          new Case(
              "non-ASCII (UTF-8)",
              List.of(concat(latin1("Cookie: " + NAME + "="), s.getBytes(StandardCharsets.UTF_8))),
              0));
    }
    for (int b = 0x80; b <= 0xFF; b += 7) {
      String v = wellFormedId();
      c.add(
          new Case(
              "non-ASCII byte in a 43-character id",
              List.of(
                  concat(
                      latin1("Cookie: " + NAME + "=" + v.substring(0, 20)),
                      new byte[] {(byte) b},
                      latin1(v.substring(21)))),
              0));
    }
    // Control characters inside an id-like value (a line break splits the header).
    for (int ctl = 0; ctl < 0x20; ctl++) {
      String v = wellFormedId();
      c.add(
          new Case(
              "control character",
              List.of(
                  concat(
                      latin1("Cookie: " + NAME + "=" + v.substring(0, 21)),
                      new byte[] {(byte) ctl},
                      latin1(v.substring(21)))),
              0));
    }
    c.add(
        new Case(
            "control character",
            List.of(
                concat(
                    latin1("Cookie: " + NAME + "=" + wellFormedId().substring(1)),
                    new byte[] {0x7f})),
            0));
    c.add(
        new Case(
            "control character",
            List.of(latin1("Cookie: " + NAME + "=abc\r\nX-Injected: yes")),
            0));
    c.add(
        new Case(
            "control character",
            List.of(latin1("Cookie: " + NAME + "=abc\r\n\r\nGET /app/s?op=set HTTP/1.1")),
            0));
    // Injection-like values.
    for (String s : INJECTIONS) {
      c.add(cookie("injection-like", 0, s));
    }
    // Quotes.
    String q = wellFormedId();
    for (String s :
        new String[] {
          "\"",
          "\"\"",
          "\"" + q,
          q + "\"",
          "'" + q + "'",
          "\"" + q + "'",
          "\"\"" + q + "\"\"",
          "\"" + q.substring(1) + "\"",
          "`" + q + "`",
          "\\\"" + q + "\\\"",
          "\"" + q + "\"\"",
          "\"\"\"" + q + "\"\"\""
        }) {
      c.add(cookie("quotes", 0, s));
    }
    // Semicolons: the id is cut into pieces, none of which is a DYSESSION cookie with an id.
    String s1 = wellFormedId();
    c.add(cookie("semicolons", 0, s1.substring(0, 20) + ";" + s1.substring(20)));
    c.add(cookie("semicolons", 0, ";" + s1));
    c.add(cookie("semicolons", 0, "a;b;c;d;" + s1.substring(1)));
    c.add(cookie("semicolons", 0, "%3B" + s1.substring(3)));
    c.add(new Case("semicolons", List.of(latin1("Cookie: ;;" + NAME + "=;;" + NAME + ";;")), 0));
    // Several DYSESSION cookies, none well-formed; several Cookie header lines.
    c.add(
        new Case(
            "several DYSESSION cookies",
            List.of(latin1("Cookie: DYSESSION=x; DYSESSION=y; DYSESSION=z")),
            0));
    c.add(
        new Case(
            "several DYSESSION cookies",
            List.of(latin1("Cookie: DYSESSION=x"), latin1("Cookie: DYSESSION=y")),
            0));
    c.add(
        new Case(
            "several DYSESSION cookies",
            List.of(latin1("Cookie: DYSESSION=x, DYSESSION=" + wellFormedId())),
            0));
    c.add(
        new Case(
            "several DYSESSION cookies",
            List.of(latin1("Cookie: DYSESSION=" + wellFormedId() + ", DYSESSION=y")),
            0));
    StringBuilder many = new StringBuilder("Cookie: ");
    for (int i = 0; i < 100; i++) {
      many.append(NAME).append('=').append(randomString(ALPHABET, 42)).append("; ");
    }
    c.add(new Case("several DYSESSION cookies", List.of(latin1(many.toString())), 0));
    List<byte[]> lines = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      lines.add(latin1("Cookie: " + NAME + "=" + INJECTIONS.get(i)));
    }
    c.add(new Case("several DYSESSION cookies", lines, 0));
    // A well-formed id under another name is not a session cookie.
    for (String name :
        new String[] {
          "dysession",
          "DYSESSION2",
          "XDYSESSION",
          "DY SESSION",
          "$DYSESSION",
          "JSESSIONID",
          "DYSESSION.",
          "DYSESSİON",
          "Dysession"
        }) {
      c.add(
          new Case(
              "other cookie name",
              List.of(
                  concat(
                      latin1("Cookie: "),
                      name.getBytes(StandardCharsets.UTF_8),
                      latin1("=" + wellFormedId()))),
              0));
    }
    return c;
  }

  private List<Case> fixedWellFormed() {
    List<Case> c = new ArrayList<>();
    c.add(cookie("well-formed id that does not exist", 1, "\"" + wellFormedId() + "\""));
    c.add(cookie("well-formed id that does not exist", 1, " " + wellFormedId() + " "));
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(latin1("Cookie: $Version=1; " + NAME + "=" + wellFormedId())),
            1));
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(latin1("Cookie: other=1; " + NAME + "=" + wellFormedId())),
            1));
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(latin1("Cookie: " + NAME + "=junk; " + NAME + "=" + wellFormedId())),
            1));
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(latin1("Cookie: " + NAME + "=" + wellFormedId() + "; " + NAME + "=junk")),
            1));
    // Only the first well-formed DYSESSION cookie counts: two ids, one read.
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(
                latin1(
                    "Cookie: " + NAME + "=" + wellFormedId() + "; " + NAME + "=" + wellFormedId())),
            1));
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(latin1("Cookie: a=b"), latin1("Cookie: " + NAME + "=" + wellFormedId())),
            1));
    c.add(
        new Case(
            "well-formed id that does not exist",
            List.of(
                concat(
                    latin1("Cookie: x="),
                    "ü€".getBytes(StandardCharsets.UTF_8),
                    latin1("; " + NAME + "=" + wellFormedId()))),
            1));
    c.add(cookie("well-formed id that does not exist", 1, "A".repeat(42) + "A"));
    return c;
  }

  private Case randomMalformed() {
    String id = wellFormedId();
    switch (random.nextInt(9)) {
      case 0:
        { // random printable ASCII of random length, never 43
          int length = 1 + random.nextInt(120);
          if (length == 43) {
            length++;
          }
          return cookie("random printable", 0, randomPrintable(length).replace(";", ""));
        }
      case 1:
        { // random bytes, non-ASCII included
          byte[] bytes = new byte[1 + random.nextInt(80)];
          for (int i = 0; i < bytes.length; i++) {
            int b = 0x20 + random.nextInt(0xE0);
            bytes[i] = (byte) (b == 0x7f || b == ';' ? 'x' : b);
          }
          bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
          return new Case(
              "random bytes", List.of(concat(latin1("Cookie: " + NAME + "="), bytes)), 0);
        }
      case 2:
        { // an id with one character replaced by a character outside the alphabet
          String outside = "+/=.~ %!*$&#@:,\"'\\<>()[]{}|^`?";
          int at = 1 + random.nextInt(41);
          return cookie(
              "wrong character in a 43-character id",
              0,
              id.substring(0, at)
                  + outside.charAt(random.nextInt(outside.length()))
                  + id.substring(at + 1));
        }
      case 3:
        { // an id cut or extended
          int length = random.nextBoolean() ? random.nextInt(43) : 44 + random.nextInt(40);
          return cookie(
              "wrong length",
              0,
              length < 43 ? id.substring(0, length) : id + randomString(ALPHABET, length - 43));
        }
      case 4:
        { // injection payload around or inside an id
          String payload = INJECTIONS.get(random.nextInt(INJECTIONS.size()));
          int mode = random.nextInt(3);
          String value =
              mode == 0
                  ? id + payload
                  : mode == 1 ? payload + id : id.substring(0, 20) + payload + id.substring(20);
          return cookie("injection-like", 0, value.replace(";", "%3B"));
        }
      case 5:
        { // a control character inside an id
          int ctl = random.nextInt(0x20);
          if (ctl == '\r' || ctl == '\n') {
            ctl = 0x01;
          }
          int at = 1 + random.nextInt(41);
          return new Case(
              "control character",
              List.of(
                  concat(
                      latin1("Cookie: " + NAME + "=" + id.substring(0, at)),
                      new byte[] {(byte) ctl},
                      latin1(id.substring(at)))),
              0);
        }
      case 6:
        { // non-canonical last character
          char last;
          do {
            last = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
          } while (CANONICAL_LAST.indexOf(last) >= 0);
          return cookie("non-canonical base64url (43 characters)", 0, id.substring(0, 42) + last);
        }
      case 7:
        { // several malformed DYSESSION cookies
          StringBuilder sb = new StringBuilder("Cookie: ");
          int n = 2 + random.nextInt(8);
          for (int i = 0; i < n; i++) {
            sb.append(NAME)
                .append('=')
                .append(randomString(ALPHABET, random.nextInt(43)))
                .append("; ");
          }
          return new Case("several DYSESSION cookies", List.of(latin1(sb.toString())), 0);
        }
      default:
        { // quotes around something that is not an id
          String inner = random.nextBoolean() ? id.substring(1) : id + "x";
          return cookie("quotes", 0, "\"" + inner + "\"");
        }
    }
  }

  private Case cookie(String category, int reads, String value) {
    return new Case(
        category,
        List.of(concat(latin1("Cookie: " + NAME + "="), value.getBytes(StandardCharsets.UTF_8))),
        reads);
  }

  private String randomString(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  private String randomPrintable(int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      char ch = (char) (0x21 + random.nextInt(0x7e - 0x21));
      sb.append(ch == ';' ? ',' : ch);
    }
    return sb.toString();
  }

  static byte[] latin1(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int pos = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, pos, p.length);
      pos += p.length;
    }
    return out;
  }
}
