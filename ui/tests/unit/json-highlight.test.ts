import { describe, expect, test } from "vitest";
import { escapeHtml, highlightJson, prettyJson, tokenize } from "../../src/lib/json-highlight";

describe("JSON highlighter", () => {
  test("escapes markup inside strings, keys and stray text", () => {
    const evil = '{"<b>key</b>": "<img src=x onerror=alert(1)>", "q": "\\"&\'"} <script>x</script>';
    const html = highlightJson(evil);
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("&lt;b&gt;key&lt;/b&gt;");
    expect(html).toContain("&amp;");
    expect(html).toContain("&#39;");
    // The only tags left are the highlighter's own spans.
    const tags = html.match(/<[^>]+>/g) ?? [];
    expect(tags.every((t) => /^<span class="j-[a-z]+">$|^<\/span>$/.test(t))).toBe(true);
  });

  test("the escaped HTML renders back to exactly the input text", () => {
    const text = '{"a": "<tag> & \\"quotes\\"", "n": -1.5e3, "ok": true, "none": null}';
    const div = document.createElement("div");
    div.innerHTML = highlightJson(text);
    expect(div.textContent).toBe(text);
    expect(div.querySelectorAll("script, img").length).toBe(0);
  });

  test("tells keys from string values, and finds numbers and literals", () => {
    const kinds = tokenize('{"mediaType": "x", "size": 12, "ok": false}')
      .filter((t) => t.kind !== "space" && t.kind !== "punct")
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual(['key:"mediaType"', 'string:"x"', 'key:"size"', "number:12", 'key:"ok"', "literal:false"]);
  });

  test("escapeHtml covers the five characters", () => {
    expect(escapeHtml(`<>&"'`)).toBe("&lt;&gt;&amp;&quot;&#39;");
  });

  test("pretty-printing keeps numbers, escapes and key order exactly as served", () => {
    const served = '{"z":1,"size":18446744073709551615,"a":"\\u003cx\\u003e","list":[],"o":{}}';
    const pretty = prettyJson(served);
    expect(pretty).toBe('{\n  "z": 1,\n  "size": 18446744073709551615,\n  "a": "\\u003cx\\u003e",\n  "list": [],\n  "o": {}\n}');
    expect(JSON.parse(pretty as string)).toEqual(JSON.parse(served));
  });

  test("pretty-printing refuses text that is not JSON", () => {
    expect(prettyJson("not json {")).toBeNull();
  });
});
