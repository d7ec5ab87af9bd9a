package io.trawl.model.encoder;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.trawl.core.TrawlException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ONNX Runtime engine, for int8 graphs: inputs {@code input_ids}, {@code attention_mask}
 * and (when the graph has it) {@code token_type_ids}, int64 {@code [b,t]}, padded to the batch's
 * longest sequence; output {@code last_hidden_state [b,t,d]}.
 *
 * <p>Why the ORT API rather than DJL's OnnxRuntime engine: the engine is the same native library,
 * but DJL routes tensors through NDManager/NDList; calling ORT directly lets us set intra-op
 * threads and graph optimisation per session and feed {@code LongBuffer}s without copies.
 */
final class OrtBackend implements Encoder.Backend {
  static final String ENGINE = "onnxruntime";

  private final String name;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final boolean typeIds;
  private final String outputName;
  private final int dimension;

  OrtBackend(String name, byte[] model, EncoderOptions options) {
    this.name = name;
    try {
      this.env = OrtRuntime.environment();
      OrtSession.SessionOptions so = new OrtSession.SessionOptions();
      int threads = options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
      so.setIntraOpNumThreads(threads);
      so.setInterOpNumThreads(1);
      so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // no busy-waiting between ops: on shared, oversubscribed CPUs spinning threads steal the
      // cores the work needs
      so.addConfigEntry("session.intra_op.allow_spinning", "0");
      this.session = OrtRuntime.createSession(model, so);
      this.typeIds = session.getInputNames().contains("token_type_ids");
      for (String required : new String[] {"input_ids", "attention_mask"}) {
        if (!session.getInputNames().contains(required)) {
          throw TrawlException.invalid(name + ": ONNX model has no input '" + required
              + "' (inputs: " + session.getInputNames() + ")");
        }
      }
      Map<String, NodeInfo> outs = session.getOutputInfo();
      this.outputName = outs.containsKey("last_hidden_state") ? "last_hidden_state"
          : outs.keySet().iterator().next();
      long[] shape = ((TensorInfo) outs.get(outputName).getInfo()).getShape();
      if (shape.length != 3) {
        throw TrawlException.invalid(name + ": output '" + outputName
            + "' must be [batch, tokens, dim], got " + Arrays.toString(shape));
      }
      this.dimension = shape[2] > 0 ? (int) shape[2] : 0;
    } catch (OrtException | OrtRuntime.OrtFailure e) {
      throw new TrawlException(TrawlException.INVALID_INPUT,
          name + ": cannot load ONNX model: " + e.getMessage(), e);
    }
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public String engine() {
    return ENGINE;
  }

  @Override
  public List<float[]> hidden(List<long[]> batch) {
    try {
      return run(batch);
    } catch (OrtException e) {
      throw new TrawlException(TrawlException.RUNTIME, name + ": inference failed: " + e.getMessage(), e);
    }
  }

  private List<float[]> run(List<long[]> batch) throws OrtException {
    int b = batch.size();
    int t = 0;
    for (long[] ids : batch) {
      t = Math.max(t, ids.length);
    }
    long[] idBuf = new long[b * t];
    long[] maskBuf = new long[b * t];
    for (int i = 0; i < b; i++) {
      long[] ids = batch.get(i);
      System.arraycopy(ids, 0, idBuf, i * t, ids.length);
      Arrays.fill(maskBuf, i * t, i * t + ids.length, 1L);
    }
    long[] shape = {b, t};
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      inputs.put("input_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(idBuf), shape));
      inputs.put("attention_mask", OnnxTensor.createTensor(env, LongBuffer.wrap(maskBuf), shape));
      if (typeIds) {
        inputs.put("token_type_ids", OnnxTensor.createTensor(env, LongBuffer.wrap(new long[b * t]), shape));
      }
      try (OrtSession.Result r = session.run(inputs, java.util.Set.of(outputName))) {
        OnnxValue v = r.get(0);
        FloatBuffer fb = ((OnnxTensor) v).getFloatBuffer();
        long[] os = ((TensorInfo) v.getInfo()).getShape();
        int d = (int) os[2];
        int tt = (int) os[1];
        List<float[]> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
          float[] h = new float[batch.get(i).length * d];
          fb.get(i * tt * d, h);
          out.add(h);
        }
        return out;
      }
    } finally {
      for (OnnxTensor x : inputs.values()) {
        x.close();
      }
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      // nothing useful to do
    }
  }
}
