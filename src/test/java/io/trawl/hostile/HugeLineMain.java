package io.trawl.hostile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Child-JVM driver for {@link HugeLineTest}: runs each case (one per line of the file given, args
 * separated by tabs, the first field being the case name) through the CLI in-process and prints
 * {@code name<TAB>exit<TAB>stderr-with-newlines-as-\n}.
 */
public final class HugeLineMain {
  private HugeLineMain() {}

  public static void main(String[] args) throws Exception {
    List<String> cases = Files.readAllLines(Path.of(args[0]));
    for (String c : cases) {
      String[] f = c.split("\t");
      Cli.Outcome o;
      try {
        o = Cli.run(Arrays.copyOfRange(f, 1, f.length));
      } catch (OutOfMemoryError e) {
        o = new Cli.Outcome(-1, "", "OutOfMemoryError");
      }
      System.out.println(f[0] + "\t" + o.code() + "\t" + o.err().replace("\n", "\\n"));
      System.out.flush();
    }
  }
}
