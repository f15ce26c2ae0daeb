package io.hardneg.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts (deploy/bin/...) as child processes, output to a log file. */
final class Launch {
  /** The repository root (Maven passes it; the module directory's parent otherwise). */
  static final Path ROOT =
      Path.of(System.getProperty("hardneg.root", "..")).toAbsolutePath().normalize();

  private Launch() {}

  /** Exit code and everything the process printed. */
  record Result(int exitCode, String output, Path log) {
    Result {
      if (output == null || log == null) {
        throw new IllegalArgumentException("output and log are required");
      }
    }

    /** The last line printed, trimmed ("" if none). */
    String lastLine() {
      String[] lines = output.strip().split("\n");
      return lines[lines.length - 1].strip();
    }
  }

  /**
   * Runs {@code command} from the repository root with {@code env} added, stdout and stderr to
   * {@code log}; kills it and its descendants after {@code timeoutSeconds}.
   */
  static Result run(Path log, long timeoutSeconds, Map<String, String> env, String... command)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(command));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly().waitFor();
      throw new AssertionError(
          String.join(" ", cmd)
              + " did not finish in "
              + timeoutSeconds
              + " s; output in "
              + log
              + ":\n"
              + tail(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), log);
  }

  /**
   * Starts {@code command} from the repository root with {@code env} added, stdout and stderr to
   * {@code log}, and returns at once; the caller waits for it and kills what is left.
   */
  static Process start(Path log, Map<String, String> env, String... command) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Kills {@code p} and everything it started, and waits for it. */
  static void kill(Process p) throws InterruptedException {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly().waitFor();
  }

  /** A script under deploy/bin. */
  static String script(String name) {
    return ROOT.resolve("deploy/bin").resolve(name).toString();
  }

  /** The application jar Maven built in spark-job's package phase. */
  static File appJar() {
    File f = new File(System.getProperty("hardneg.appJar", ""));
    if (!f.isFile()) {
      throw new IllegalStateException(
          "application jar not built: expected "
              + f
              + " (run mvn -B verify from the repository root)");
    }
    return f;
  }

  /**
   * Fails with the fix when this machine's own name does not resolve: Hadoop's mini clusters look
   * it up ({@code InetAddress.getLocalHost}, for the web servers' principal among others), and
   * where no hosts file or DNS knows it they die with "Could not resolve Kerberos principal name",
   * which does not say what to change. {@code deploy/bin/test} adds the name as root.
   */
  static void requireResolvableHostname() {
    try {
      java.net.InetAddress.getLocalHost();
    } catch (java.net.UnknownHostException e) {
      // the JDK's message starts with the name ("vm: vm: Name or service not known")
      String name = e.getMessage() == null ? "" : e.getMessage().split(":")[0].strip();
      if (name.isEmpty()) {
        name = System.getenv().getOrDefault("HOSTNAME", "<the name uname -n prints>");
      }
      throw new IllegalStateException(
          "this machine's name '"
              + name
              + "' does not resolve, and Hadoop's mini clusters need it: as root, run"
              + " echo '127.0.1.1 "
              + name
              + "' >> /etc/hosts (deploy/bin/test does it when run as root)",
          e);
    }
  }

  /** The last 4,000 characters of a log, for failure messages. */
  static String tail(Path log) {
    try {
      String s = Files.readString(log, StandardCharsets.UTF_8);
      return s.substring(Math.max(0, s.length() - 4000));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  /** Whether a process with this id is running. */
  static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
