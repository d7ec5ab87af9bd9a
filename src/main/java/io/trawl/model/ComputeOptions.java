package io.trawl.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.trawl.core.TrawlException;
import java.util.Locale;

/**
 * Where and in which precision a model runs: {@code --device cpu|gpu|gpu:N|auto} and
 * {@code --dtype float32|float16|bfloat16}. {@code auto} picks the first GPU when the PyTorch
 * engine sees one, else the CPU. bfloat16 is refused on the CPU: DJL's CPU build of libtorch
 * 2.7.1 aborts the JVM on bfloat16 tensors (weights stored as BF16 are widened in Java instead).
 */
public record ComputeOptions(String device, String dtype, int threads) {
  public static final ComputeOptions DEFAULT = new ComputeOptions("cpu", "float32", 0);

  public ComputeOptions(String device, String dtype) {
    this(device, dtype, 0);
  }

  public ComputeOptions {
    if (threads < 0) {
      throw TrawlException.invalid("threads must be >= 0 (0 = libtorch's default), got " + threads);
    }
    device = device == null ? "cpu" : device.toLowerCase(Locale.ROOT);
    dtype = dtype == null ? "float32" : dtype.toLowerCase(Locale.ROOT);
    if (!(device.equals("cpu") || device.equals("gpu") || device.equals("auto")
        || device.matches("gpu:\\d+"))) {
      throw TrawlException.invalid("invalid device '" + device + "'; valid: cpu, gpu, gpu:N, auto");
    }
    if (!(dtype.equals("float32") || dtype.equals("float16") || dtype.equals("bfloat16"))) {
      throw TrawlException.invalid("invalid dtype '" + dtype + "'; valid: float32, float16, bfloat16");
    }
  }

  /** The same options with {@code n} libtorch intra-op threads (0 = libtorch's default). */
  public ComputeOptions withThreads(int n) {
    return new ComputeOptions(device, dtype, n);
  }

  /**
   * Sets libtorch's intra-op thread count when {@code threads > 0}. The setting is process-wide.
   * One thread is much faster for tiny models and on an oversubscribed machine, where OpenMP's
   * spinning barriers stall every small op.
   */
  public void applyThreads() {
    if (threads > 0) {
      Engine.getEngine("PyTorch");
      ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    }
  }

  /** Parses optional strings (null = default). */
  public static ComputeOptions of(String device, String dtype) {
    return new ComputeOptions(device, dtype);
  }

  /** The DJL device; fails with exit 2 when a GPU is asked for and none is visible. */
  public Device resolveDevice() {
    int gpus = device.equals("cpu") ? 0 : gpuCount();
    if (device.equals("cpu") || (device.equals("auto") && gpus == 0)) {
      return Device.cpu();
    }
    int id = device.startsWith("gpu:") ? Integer.parseInt(device.substring(4)) : 0;
    if (id >= gpus) {
      throw TrawlException.invalid("device '" + device + "' asked for, but the PyTorch engine sees "
          + gpus + " GPU(s); on a GPU host point PYTORCH_LIBRARY_PATH at a CUDA libtorch 2.7.1 (see docs/reranking.md)");
    }
    return Device.gpu(id);
  }

  /**
   * The device as {@link #resolveDevice()} finds it here, for canonical specs: {@code cpu} or
   * {@code gpu:N} ({@code auto} and {@code gpu} are resolved).
   */
  public String effectiveDevice() {
    Device d = resolveDevice();
    return d.isGpu() ? "gpu:" + d.getDeviceId() : "cpu";
  }

  /** The DJL data type for model weights and activations on {@code dev}. */
  public DataType resolveDataType(Device dev) {
    return switch (dtype) {
      case "float16" -> DataType.FLOAT16;
      case "bfloat16" -> {
        if (dev.isGpu()) {
          yield DataType.BFLOAT16;
        }
        throw TrawlException.invalid("dtype bfloat16 is not supported on the CPU (libtorch through DJL aborts on it); use float32");
      }
      default -> DataType.FLOAT32;
    };
  }

  private static int gpuCount() {
    try {
      return Engine.getEngine("PyTorch").getGpuCount();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  @Override
  public String toString() {
    return "device=" + device + ",dtype=" + dtype + (threads > 0 ? ",threads=" + threads : "");
  }
}
