package io.github.dysession.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A build of the dysession jar named by {@code bench.baseline}, and the jar this run measures
 * otherwise, each labelled for the report: its file name and, where the jar lies in {@code
 * extension/target} of a git work tree, that tree's commit.
 */
record BaselineJar(Path jar, String label) {

  /** The baseline jar of {@code settings}, or null when none was given. */
  static BaselineJar of(BenchSettings settings) {
    if (!settings.hasBaseline()) {
      return null;
    }
    Path jar = settings.baseline();
    return new BaselineJar(jar, label(jar.getFileName().toString(), workTree(jar)));
  }

  /**
   * The label of the jar this run's WARs hold: with the work tree's commit when it is the very jar
   * of the work tree's {@code extension/target} (as with {@code -am}); else only its name, as taken
   * from the local Maven repository.
   */
  static String current(Path itDir, Path war) {
    String jarName;
    try {
      jarName = Wars.libraryName(war);
    } catch (RuntimeException e) {
      // A label only: the WARs that need the jar fail on their own, with the reason.
      return "unknown dysession jar (" + e.getMessage() + ")";
    }
    Path built = itDir.getParent().resolve("extension/target").resolve(jarName);
    try {
      if (Files.isRegularFile(built)
          && java.util.Arrays.equals(Files.readAllBytes(built), Wars.libraryBytes(war))) {
        return label(jarName, itDir.getParent(), "of the work tree at commit ");
      }
    } catch (IOException e) {
      // Labelled by name only.
    }
    return jarName
        + " (not the work tree's extension/target build: from the local Maven repository)";
  }

  private static String label(String fileName, Path workTree) {
    return label(fileName, workTree, "of commit ");
  }

  private static String label(String fileName, Path workTree, String commitPrefix) {
    if (workTree == null) {
      return fileName;
    }
    String commit = git(workTree, "rev-parse", "--short", "HEAD");
    if (commit == null) {
      return fileName;
    }
    String changes = git(workTree, "status", "--porcelain", "--", "extension");
    return fileName
        + " "
        + commitPrefix
        + commit
        + (changes == null || changes.isEmpty() ? "" : " with uncommitted changes in extension/");
  }

  /** The work tree whose {@code extension/target} holds {@code jar}, or null. */
  private static Path workTree(Path jar) {
    Path target = jar.getParent();
    if (target == null || !target.getFileName().toString().equals("target")) {
      return null;
    }
    Path extension = target.getParent();
    if (extension == null || !extension.getFileName().toString().equals("extension")) {
      return null;
    }
    Path tree = extension.getParent();
    return tree != null && Files.exists(tree.resolve(".git")) ? tree : null;
  }

  /** The trimmed output of a git command in {@code dir}, or null if it failed. */
  private static String git(Path dir, String... args) {
    String[] command = new String[args.length + 3];
    command[0] = "git";
    command[1] = "-C";
    command[2] = dir.toString();
    System.arraycopy(args, 0, command, 3, args.length);
    try {
      // Into a file, and waited for first: a git that hangs is given up after 10 s, and its
      // error messages never pass for its output.
      Path out = Files.createTempFile("dysession-bench-git", ".txt");
      try {
        Process p =
            new ProcessBuilder(command)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return null;
        }
        return p.exitValue() == 0 ? Files.readString(out, StandardCharsets.UTF_8).trim() : null;
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
