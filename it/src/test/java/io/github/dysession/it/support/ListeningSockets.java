package io.github.dysession.it.support;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The sockets a process listens on (TCP) or is bound to (UDP), read from Linux's {@code /proc} like
 * {@code ss -ltnp} / {@code ss -lunp} do: the socket inodes among {@code /proc/<pid>/fd}, looked up
 * in {@code /proc/net/tcp}, {@code tcp6}, {@code udp} and {@code udp6}.
 *
 * <p>Used to check that a server under test exposes nothing beyond 127.0.0.1.
 */
public final class ListeningSockets {

  private static final String TCP_LISTEN = "0A";

  private ListeningSockets() {}

  /** One listening or bound socket. */
  public record Socket(String protocol, String address, int port) {

    /** Whether the address is a loopback address (127.0.0.0/8, ::1, or IPv4-mapped 127.x). */
    public boolean isLoopback() {
      return address.startsWith("127.")
          || address.equals("::1")
          || address.startsWith("::ffff:127.");
    }

    @Override
    public String toString() {
      return protocol + " " + (address.contains(":") ? "[" + address + "]" : address) + ":" + port;
    }
  }

  /** Whether this system has {@code /proc/net/tcp} (Linux). */
  public static boolean supported() {
    return Files.isReadable(Paths.get("/proc/net/tcp"));
  }

  /**
   * The TCP sockets in state LISTEN and the UDP sockets bound to a port that process {@code pid}
   * holds.
   */
  public static List<Socket> of(long pid) {
    Set<String> inodes = socketInodes(pid);
    List<Socket> sockets = new ArrayList<>();
    scan("/proc/net/tcp", "tcp", true, inodes, sockets);
    scan("/proc/net/tcp6", "tcp6", true, inodes, sockets);
    scan("/proc/net/udp", "udp", false, inodes, sockets);
    scan("/proc/net/udp6", "udp6", false, inodes, sockets);
    return sockets;
  }

  private static Set<String> socketInodes(long pid) {
    Set<String> inodes = new HashSet<>();
    try (DirectoryStream<Path> fds =
        Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            inodes.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // The descriptor was closed meanwhile.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read the file descriptors of process " + pid, e);
    }
    return inodes;
  }

  private static void scan(
      String table, String protocol, boolean tcp, Set<String> inodes, List<Socket> out) {
    Path path = Paths.get(table);
    if (!Files.isReadable(path)) {
      return;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(path);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + table, e);
    }
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 10 || !inodes.contains(f[9])) {
        continue;
      }
      String[] local = f[1].split(":");
      int port = Integer.parseInt(local[1], 16);
      if (tcp ? !f[3].equals(TCP_LISTEN) : port == 0) {
        continue;
      }
      out.add(new Socket(protocol, address(local[0]), port));
    }
  }

  /** /proc/net hex addresses: each 32-bit word in host (little-endian on x86/arm) byte order. */
  private static String address(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int word = 0; word < bytes.length / 4; word++) {
      for (int i = 0; i < 4; i++) {
        int at = (word * 4 + 3 - i) * 2;
        bytes[word * 4 + i] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
      }
    }
    if (bytes.length == 4) {
      return (bytes[0] & 0xff)
          + "."
          + (bytes[1] & 0xff)
          + "."
          + (bytes[2] & 0xff)
          + "."
          + (bytes[3] & 0xff);
    }
    boolean v4Mapped = true;
    for (int i = 0; i < 10; i++) {
      v4Mapped &= bytes[i] == 0;
    }
    v4Mapped &= (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    if (v4Mapped) {
      return "::ffff:"
          + (bytes[12] & 0xff)
          + "."
          + (bytes[13] & 0xff)
          + "."
          + (bytes[14] & 0xff)
          + "."
          + (bytes[15] & 0xff);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 16; i += 2) {
      if (i > 0) {
        sb.append(':');
      }
      sb.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff)));
    }
    String full = sb.toString().toLowerCase(Locale.ROOT);
    // Compress the common cases only: all zeros and ::1.
    if (full.equals("0:0:0:0:0:0:0:0")) {
      return "::";
    }
    if (full.equals("0:0:0:0:0:0:0:1")) {
      return "::1";
    }
    return full;
  }
}
