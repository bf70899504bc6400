// levels.js — "name: level" lines (skills and required skills, 0–100) as
// Admin's forms edit them.

/** Writes a {name: level} map one "name: level" a line, by name. */
export function levelsText(m) {
  return Object.entries(m || {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}: ${v}`).join("\n");
}

/** Reads "name: level" lines; throws naming the field and the wrong line. */
export function parseLevels(text, what) {
  const out = {};
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    const m = line.match(/^\s*([^:]+?)\s*:\s*(\d{1,3})\s*$/);
    if (!m || Number(m[2]) > 100) throw new Error(`${what}, line ${i + 1}: write "skill: level" with a level from 0 to 100`);
    out[m[1]] = Number(m[2]);
  });
  return out;
}
