package io.trawl.regress;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trawl.core.InputException;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Finds the first unknown field in a spec file with its exact location, by walking the YAML tokens
 * alongside the record types. Jackson itself rejects unknown fields too, but for records it only
 * notices them at the end of the object, so its location points past the culprit.
 */
final class UnknownFields {
  private UnknownFields() {}

  /** Throws an {@link InputException} at the first field that no record component declares. */
  static void check(ObjectMapper mapper, String file, String text, Class<?> root) {
    try (JsonParser p = mapper.getFactory().createParser(text)) {
      if (p.nextToken() == null) {
        return;
      }
      walk(p, root, file, "");
    } catch (IOException e) {
      // syntax problems are reported by the binding pass, with Jackson's location
    }
  }

  private static void walk(JsonParser p, Type type, String file, String path) throws IOException {
    JsonToken t = p.currentToken();
    Class<?> raw = rawClass(type);
    if (t == JsonToken.START_OBJECT && raw != null && raw.isRecord() && raw != Located.class) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonLocation loc = p.currentTokenLocation();
        RecordComponent rc = component(raw, field);
        p.nextToken();
        if (rc == null) {
          TreeSet<String> known = new TreeSet<>();
          for (RecordComponent c : raw.getRecordComponents()) {
            known.add(jsonName(c));
          }
          throw new InputException(file, loc.getLineNr(), loc.getColumnNr(),
              "unknown field '" + field + "'" + (path.isEmpty() ? "" : " in '" + path + "'")
                  + "; known: " + String.join(", ", known));
        }
        walk(p, rc.getGenericType(), file, path.isEmpty() ? field : path + "." + field);
      }
      return;
    }
    if (t == JsonToken.START_ARRAY && raw != null && List.class.isAssignableFrom(raw)) {
      Type element = typeArg(type, 0);
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY && p.currentToken() != null) {
        walk(p, element, file, path + "[" + i++ + "]");
      }
      return;
    }
    if (t == JsonToken.START_OBJECT && raw != null && Map.class.isAssignableFrom(raw)) {
      Type value = typeArg(type, 1);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        walk(p, value, file, path + "." + key);
      }
      return;
    }
    p.skipChildren(); // scalars, or a type mismatch Jackson will report
  }

  private static RecordComponent component(Class<?> record, String name) {
    for (RecordComponent c : record.getRecordComponents()) {
      if (jsonName(c).equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static String jsonName(RecordComponent c) {
    JsonProperty jp = c.getAccessor().getAnnotation(JsonProperty.class);
    if (jp == null) {
      jp = c.getAnnotation(JsonProperty.class);
    }
    return jp != null && !jp.value().isEmpty() ? jp.value() : c.getName();
  }

  private static Class<?> rawClass(Type t) {
    if (t instanceof Class<?> c) {
      return c;
    }
    if (t instanceof ParameterizedType pt && pt.getRawType() instanceof Class<?> c) {
      return c;
    }
    return null;
  }

  private static Type typeArg(Type t, int i) {
    if (t instanceof ParameterizedType pt && pt.getActualTypeArguments().length > i) {
      return pt.getActualTypeArguments()[i];
    }
    return Object.class;
  }
}
