package io.trawl.model.encoder;

import io.trawl.core.TrawlException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The exact engine: {@link BertModel} in Java. Sequences of a batch run in parallel, one thread
 * each, so the thread count changes the speed and never a bit of the result.
 */
final class JavaBackend implements Encoder.Backend {
  static final String ENGINE = "exact";

  private final BertModel model;
  private final int threads;
  private final ExecutorService pool;

  JavaBackend(BertModel model, EncoderOptions options) {
    this.model = model;
    this.threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "trawl-encoder");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  @Override
  public int dimension() {
    return model.dimension();
  }

  @Override
  public int vocabulary() {
    return model.vocabulary();
  }

  @Override
  public int maxPositions() {
    return model.config.maxPositions();
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public List<float[]> hidden(List<long[]> batch) {
    for (long[] ids : batch) {
      if (ids.length > model.config.maxPositions()) {
        throw TrawlException.invalid(ids.length + " tokens exceed the model's "
            + model.config.maxPositions() + " positions; set a smaller max length");
      }
    }
    List<float[]> out = new ArrayList<>(batch.size());
    if (pool == null || batch.size() == 1) {
      for (long[] ids : batch) {
        out.add(model.forward(ids));
      }
      return out;
    }
    List<Future<float[]>> futures = new ArrayList<>(batch.size());
    for (long[] ids : batch) {
      futures.add(pool.submit(() -> model.forward(ids)));
    }
    try {
      for (Future<float[]> f : futures) {
        out.add(f.get());
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new TrawlException(TrawlException.RUNTIME, "interrupted while encoding");
    } catch (ExecutionException e) {
      futures.forEach(f -> f.cancel(true));
      Throwable c = e.getCause();
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error er) {
        throw er;
      }
      throw new TrawlException(TrawlException.RUNTIME, "encoding failed: " + c, c);
    }
    return out;
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
