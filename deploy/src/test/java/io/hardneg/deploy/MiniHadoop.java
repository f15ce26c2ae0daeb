package io.hardneg.deploy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * HDFS and YARN in the test JVM: a MiniDFSCluster (a NameNode, one DataNode) and a MiniYARNCluster
 * (a ResourceManager with the FIFO scheduler and two NodeManagers, each launching containers as
 * child processes of this JVM), and a Hadoop configuration directory for spark-submit that points
 * at both, as a gateway host's HADOOP_CONF_DIR does.
 *
 * <p>Sized for a 2-core machine: each NodeManager offers 4 GiB and 4 vcores (vcores are only
 * counted by the FIFO scheduler's memory-based calculator), so an ApplicationMaster and two 1.5 GiB
 * executors, plus a replacement for a killed one, fit.
 */
final class MiniHadoop implements AutoCloseable {
  final MiniDFSCluster dfs;
  final MiniYARNCluster yarn;
  final FileSystem fs;

  /** hdfs://127.0.0.1:port */
  final String hdfs;

  /** core-site.xml, hdfs-site.xml and yarn-site.xml for clients (HADOOP_CONF_DIR). */
  final Path confDir;

  MiniHadoop(Path work) throws Exception {
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("dfs").toString());
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setInt("dfs.replication", 1);
    dfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
    dfs.waitActive();
    fs = dfs.getFileSystem();
    hdfs = "hdfs://127.0.0.1:" + dfs.getNameNodePort();

    YarnConfiguration yc = new YarnConfiguration();
    yc.set("fs.defaultFS", hdfs);
    yc.setInt(YarnConfiguration.NM_PMEM_MB, 4096);
    yc.setInt(YarnConfiguration.NM_VCORES, 4);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    yc.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, 4096);
    yc.set(
        YarnConfiguration.RM_SCHEDULER,
        "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
    // Java 17 reserves far more virtual memory than YARN's 2.1 x physical default allows;
    // physical memory is still checked (a container over its size is killed, as on a cluster)
    yc.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    // a nearly full build disk must not mark the NodeManagers unhealthy (no containers then)
    yc.setFloat(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, 100f);
    yc.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 2);
    // containers inherit SPARK_LOCAL_IP=127.0.0.1 (failsafe sets it): without it Spark in a
    // container finds the hostname on loopback and binds to the first non-loopback interface
    yc.set(
        YarnConfiguration.NM_ENV_WHITELIST,
        YarnConfiguration.DEFAULT_NM_ENV_WHITELIST + ",SPARK_LOCAL_IP");
    // MiniYARNCluster puts its directories under target/<name> of the working directory
    yarn = new MiniYARNCluster("yarn-it", 2, 1, 1);
    yarn.init(yc);
    yarn.start();
    if (!yarn.waitForNodeManagersToConnect(60_000)) {
      throw new IllegalStateException("the two NodeManagers did not register in 60 s");
    }

    confDir = Files.createDirectories(work.resolve("hadoop-conf"));
    Configuration core = new Configuration(false);
    core.set("fs.defaultFS", hdfs);
    write(core, confDir.resolve("core-site.xml"));
    Configuration hdfsSite = new Configuration(false);
    hdfsSite.setInt("dfs.replication", 1);
    write(hdfsSite, confDir.resolve("hdfs-site.xml"));
    Configuration yarnSite = new Configuration(false);
    Configuration live = yarn.getConfig();
    for (String key :
        List.of(
            YarnConfiguration.RM_ADDRESS,
            YarnConfiguration.RM_SCHEDULER_ADDRESS,
            YarnConfiguration.RM_RESOURCE_TRACKER_ADDRESS,
            YarnConfiguration.RM_ADMIN_ADDRESS,
            YarnConfiguration.RM_WEBAPP_ADDRESS)) {
      yarnSite.set(key, live.get(key));
    }
    write(yarnSite, confDir.resolve("yarn-site.xml"));
  }

  /** The client configuration written to {@link #confDir}, for a YarnClient in this JVM. */
  YarnConfiguration clientConf() {
    YarnConfiguration c = new YarnConfiguration();
    c.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("core-site.xml").toUri()));
    c.addResource(new org.apache.hadoop.fs.Path(confDir.resolve("yarn-site.xml").toUri()));
    return c;
  }

  /** The last 3,000 characters of every container log of the application, for failures. */
  String containerLogs(String appId) {
    StringBuilder sb = new StringBuilder();
    try (Stream<Path> files = Files.walk(yarn.getTestWorkDir().toPath())) {
      List<Path> logs = new ArrayList<>();
      files
          .filter(
              p ->
                  p.toString().contains(appId)
                      && (p.endsWith("stderr") || p.endsWith("stdout"))
                      && Files.isRegularFile(p))
          .sorted()
          .forEach(logs::add);
      for (Path p : logs) {
        String s = Files.readString(p, StandardCharsets.UTF_8);
        sb.append("\n--- ").append(p).append('\n');
        sb.append(s, Math.max(0, s.length() - 3000), s.length());
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      // the walk's iterator throws unchecked when YARN deletes a directory under it
      sb.append("(cannot read container logs: ").append(e).append(')');
    }
    return sb.toString();
  }

  private static void write(Configuration c, Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      c.writeXml(out);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      if (yarn != null) {
        yarn.stop();
        // the NodeManagers' file caches keep a copy of the 150 MB application jar per node and
        // application; the container logs stay
        try (Stream<Path> files = Files.walk(yarn.getTestWorkDir().toPath())) {
          for (Path p :
              files
                  .filter(
                      f ->
                          f.toString().endsWith(".jar")
                              && Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
                  .toList()) {
            Files.delete(p);
          }
        }
      }
    } finally {
      if (dfs != null) {
        dfs.shutdown(true);
      }
    }
  }
}
