package io.github.dysession.it.proof;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, byte for byte: for cookie headers no HTTP client library would send
 * (control characters, bytes that are not ASCII, line breaks, several {@code Cookie} lines). One
 * request per connection ({@code Connection: close}).
 */
final class RawHttp {

  private RawHttp() {}

  /**
   * What came back: the status (-1 when the server closed the connection without an answer), the
   * {@code Set-Cookie} values, the body, and the I/O error, if any.
   */
  record Answer(int status, List<String> setCookies, String body, String error) {}

  /**
   * Sends {@code method target} to {@code base}'s host and port with the given header lines (raw
   * bytes, each without its line end) and returns the answer.
   */
  static Answer send(URI base, String method, String target, List<byte[]> headerLines) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
      socket.setSoTimeout(20_000);
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      request.writeBytes(
          (method
                  + " "
                  + target
                  + " HTTP/1.1\r\nHost: "
                  + base.getHost()
                  + ":"
                  + base.getPort()
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      for (byte[] line : headerLines) {
        request.writeBytes(line);
        request.writeBytes(new byte[] {'\r', '\n'});
      }
      request.writeBytes(
          "Content-Length: 0\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request.toByteArray());
        out.flush();
      } catch (IOException e) {
        // The server may answer (413, 400) and close while a huge header is still being sent.
        return read(socket.getInputStream(), e);
      }
      return read(socket.getInputStream(), null);
    } catch (IOException e) {
      return new Answer(-1, List.of(), "", e.toString());
    }
  }

  private static Answer read(InputStream in, IOException writeError) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String error = writeError == null ? null : writeError.toString();
    try {
      byte[] buffer = new byte[8192];
      int n;
      while ((n = in.read(buffer)) >= 0) {
        bytes.write(buffer, 0, n);
        if (bytes.size() > 1 << 20) {
          break;
        }
      }
    } catch (IOException e) {
      error = error == null ? e.toString() : error + "; " + e;
    }
    String text = bytes.toString(StandardCharsets.ISO_8859_1);
    if (!text.startsWith("HTTP/1.")) {
      return new Answer(-1, List.of(), text, error == null ? "no answer" : error);
    }
    int headerEnd = text.indexOf("\r\n\r\n");
    String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
    String body = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
    String[] lines = head.split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    List<String> cookies = new ArrayList<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0
          && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("set-cookie")) {
        cookies.add(lines[i].substring(colon + 1).trim());
      }
    }
    return new Answer(status, cookies, body, error);
  }
}
