package io.trawl.model.llm.jinja;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Limits and the data/template boundary of the renderer. Rendering against jinja2 itself is
 * checked by {@code io.trawl.model.llm.ChatTemplateGoldenTest}.
 */
class JinjaTemplateTest {
  @Test
  void valuesAreNeverParsedAsTemplate() {
    JinjaTemplate t = JinjaTemplate.parse("{{ a }}|{{ m.content | trim }}|{% for x in l %}{{ x }}{% endfor %}");
    String hostile = "{{ 7*7 }}{% raw %}{% endraw %}{# c #}{{cite web |url=x}}{%";
    assertEquals(hostile + "|" + hostile + "|" + hostile + hostile,
        t.render(Map.of("a", hostile, "m", Map.of("content", " " + hostile + " "),
            "l", List.of(hostile, hostile))));
  }

  @Test
  void hugeStringsFailWithAMessageInsteadOfExhaustingMemory() {
    JinjaException e = assertThrows(JinjaException.class,
        () -> JinjaTemplate.parse("{% set s = 'x' * 2000000000 %}{{ s }}").render(Map.of()));
    assertTrue(e.getMessage().contains("exceeds the chat-template limit"), e.getMessage());
    JinjaException e2 = assertThrows(JinjaException.class, () -> JinjaTemplate.parse(
        "{% for i in range(100000) %}{% for j in range(1000) %}xxxxxxxxxx{% endfor %}{% endfor %}")
        .render(Map.of()));
    assertTrue(e2.getMessage().contains("exceeds the limit"), e2.getMessage());
    JinjaException e3 = assertThrows(JinjaException.class, () -> JinjaTemplate.parse(
        "{% set ns = namespace(s='x' * 16) %}{% for i in range(30) %}{% set ns.s = ns.s ~ ns.s %}"
            + "{% endfor %}")
        .render(Map.of()));
    assertTrue(e3.getMessage().contains("limit"), e3.getMessage());
  }

  @Test
  void errorsNameTheTemplateLine() {
    JinjaException e = assertThrows(JinjaException.class,
        () -> JinjaTemplate.parse("line one\n{% break %}"));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("outside of a for loop"), e.getMessage());
    JinjaException e2 = assertThrows(JinjaException.class,
        () -> JinjaTemplate.parse("a\nb\n{{ x.y }}").render(Map.of()));
    assertEquals(3, e2.line());
    assertEquals("'x' is undefined", e2.getMessage());
    JinjaException e3 = assertThrows(JinjaException.class,
        () -> JinjaTemplate.parse("{% extends 'base.html' %}"));
    assertTrue(e3.getMessage().contains("not supported"), e3.getMessage());
  }

  @Test
  void endlessRecursionAndDeepNestingAreCleanErrors() {
    JinjaTemplate loop = JinjaTemplate.parse("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}");
    JinjaException e = assertThrows(JinjaException.class, () -> loop.render(Map.of()));
    assertTrue(e.getMessage().contains("recursion"), e.getMessage());
    String deep = "{{ " + "(".repeat(200_000) + "1" + ")".repeat(200_000) + " }}";
    JinjaException e2 = assertThrows(JinjaException.class, () -> JinjaTemplate.parse(deep));
    assertTrue(e2.getMessage().contains("nests too deeply"), e2.getMessage());
  }
}
