package io.trawl.regress;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.io.IOException;

/**
 * A scalar from a spec file together with where it was written (1-based line and column), so that
 * checks made after binding (a pipeline naming an unknown reranker, a missing file) can still
 * point at the line.
 */
@JsonDeserialize(using = Located.Deserializer.class)
public record Located(String value, int line, int column) {
  public static Located of(String value) {
    return new Located(value, 0, 0);
  }

  @Override
  public String toString() {
    return value;
  }

  /** Reads a scalar (string, number or boolean) and records its location. */
  static final class Deserializer extends JsonDeserializer<Located> {
    @Override
    public Located deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken t = p.currentToken();
      if (t == null || !t.isScalarValue()) {
        return (Located) ctxt.handleUnexpectedToken(Located.class, p);
      }
      JsonLocation loc = p.currentTokenLocation();
      return new Located(p.getValueAsString(), loc.getLineNr(), loc.getColumnNr());
    }
  }
}
