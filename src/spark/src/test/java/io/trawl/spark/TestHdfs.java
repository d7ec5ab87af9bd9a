package io.trawl.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * One in-JVM HDFS for the module's tests ({@link MiniDFSCluster}: a namenode and one datanode on
 * 127.0.0.1, ephemeral ports, data under target/minidfs); started on first use, shut down when the
 * test JVM exits.
 */
final class TestHdfs {
  private static MiniDFSCluster cluster;

  private TestHdfs() {}

  static synchronized MiniDFSCluster cluster() {
    if (cluster == null) {
      try {
        Path base = Path.of("target", "minidfs").toAbsolutePath();
        ShardStore.deleteTree(base, true);
        Files.createDirectories(base);
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.toString());
        conf.set("dfs.namenode.http-address", "127.0.0.1:0");
        conf.set("dfs.datanode.address", "127.0.0.1:0");
        conf.set("dfs.datanode.http.address", "127.0.0.1:0");
        conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
        MiniDFSCluster c = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        c.waitActive();
        cluster = c;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> c.shutdown(true)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cluster;
  }

  /** {@code hdfs://127.0.0.1:PORT} of the running cluster. */
  static String uri() {
    return "hdfs://127.0.0.1:" + cluster().getNameNodePort();
  }
}
