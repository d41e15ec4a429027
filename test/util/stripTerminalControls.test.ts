import { describe, expect, it } from "vitest";
import { createTerminalSanitizer, MAX_HELD_SEQUENCE, stripTerminalControls } from "../../src/util/stripTerminalControls.js";

const ESC = "\u001b";
const BEL = "\u0007";

describe("stripTerminalControls", () => {
  it.each([
    ["CSI colour", `${ESC}[31mred${ESC}[0m`, "red"],
    ["clear screen and cursor home", `${ESC}[2J${ESC}[Htext`, "text"],
    ["private-mode CSI", `${ESC}[?1049hx`, "x"],
    ["OSC window title (BEL)", `${ESC}]0;pwned${BEL}after`, "after"],
    ["OSC 52 clipboard write (ST)", `a${ESC}]52;c;cm0gLXJmIH4=${ESC}\\b`, "ab"],
    ["OSC 8 hyperlink", `${ESC}]8;;http://evil${ESC}\\link${ESC}]8;;${ESC}\\`, "link"],
    ["DCS string", `${ESC}Pq#0;2;0;0;0${ESC}\\x`, "x"],
    ["C1 CSI", "\u009b31mred", "red"],
    ["C1 OSC", "\u009d0;title\u009cx", "x"],
    ["two-character escape", `${ESC}cx${ESC}(B`, "x"],
    ["carriage return, backspace, bell, NUL, DEL", "a\rb\bc\u0007d\u0000e\u007f", "abcde"],
    ["a lone ESC", `a${ESC}`, "a"],
    ["an unterminated OSC: only its introducer goes", `${ESC}]0;title`, "0;title"],
  ])("strips %s", (_name, text, expected) => {
    expect(stripTerminalControls(text)).toBe(expected);
  });

  it("keeps tabs, newlines and every printable character", () => {
    const text = "line 1\n\tline 2 — ünïcødé 日本 🙂 ‹tag› ~!@#$%^&*()[]{}";
    expect(stripTerminalControls(text)).toBe(text);
  });
});

describe("createTerminalSanitizer", () => {
  const run = (chunks: string[]) => {
    const clean = createTerminalSanitizer();
    return chunks.map((c) => clean.write(c)).join("") + clean.end();
  };

  it("strips a sequence split across chunks", () => {
    expect(run(["Paris", `${ESC}`, "]52;c;aGk=", BEL, " is ", `${ESC}[3`, "1mred"])).toBe("Paris is red");
  });

  it("strips an OSC whose terminator is split after its ESC", () => {
    expect(run([`a${ESC}]0;t${ESC}`, "\\b"])).toBe("ab");
  });

  it("gives out text at once when no sequence is open", () => {
    const clean = createTerminalSanitizer();
    expect(clean.write("Hello ")).toBe("Hello ");
    expect(clean.write(`wor${ESC}[1mld`)).toBe("world");
  });

  it("holds an unfinished sequence back no longer than its bound", () => {
    const clean = createTerminalSanitizer();
    const out = clean.write(`${ESC}]0;${"x".repeat(MAX_HELD_SEQUENCE * 2)}`);
    // Cut off, the introducer is gone: the rest is harmless text.
    expect(out).not.toContain(ESC);
    expect(out.length).toBeGreaterThan(MAX_HELD_SEQUENCE);
  });

  it("ends with what it held, made harmless", () => {
    expect(run([`ok${ESC}[12`])).toBe("ok12");
  });
});
