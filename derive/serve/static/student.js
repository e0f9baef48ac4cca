// The student's page: a debounced live preview (one request in flight at a time), Check, New variant.
// Student text only ever reaches the page through textContent; the preview's MathML is generated
// by the server from its own LaTeX, never copied from the answer.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const targets = JSON.parse($("targets-data").textContent);
  const byName = new Map(targets.map((t) => [t.name, t]));
  const DEBOUNCE_MS = 200;
  let timer = null, inFlight = false, again = false;

  async function post(url, body) {
    const response = await fetch(url, {method: "POST", headers: {"Content-Type": "application/json"},
                                       body: JSON.stringify(body)});
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
    return data;
  }

  function baseName(name) { return name.split("@")[0]; }

  function showProblem() {
    const t = byName.get(baseName($("target").value));
    $("question").textContent = t ? "Find " + t.question + "." : "";
    const body = $("symbols").querySelector("tbody");
    body.replaceChildren();
    for (const s of (t ? t.symbols : [])) {
      const row = body.insertRow();
      for (const text of [s.name, s.shape, s.meaning]) row.insertCell().textContent = text;
    }
  }

  function showGiven(variant) {
    const dl = $("given");
    dl.replaceChildren();
    $("given-box").hidden = !variant;
    if (!variant) return;
    const sizes = Object.entries(variant.sizes || {}).map(([k, v]) => k + " = " + v).join(", ");
    const entries = (sizes ? [["sizes", sizes]] : []).concat(Object.entries(variant.given));
    for (const [name, value] of entries) {
      const dt = document.createElement("dt"), dd = document.createElement("dd");
      dt.textContent = name; dd.textContent = value;
      dl.append(dt, dd);
    }
  }

  function showPreview(data) {
    const box = $("preview");
    box.classList.toggle("error", !data.ok);
    if (data.ok && typeof data.mathml === "string" && data.mathml.startsWith("<math")) {
      box.innerHTML = data.mathml;   // generated MathML (see preview.py), not the student's text
    } else {
      const pre = document.createElement("pre");
      pre.textContent = data.error || "";
      box.replaceChildren(pre);
    }
  }

  async function runPreview() {
    if (inFlight) { again = true; return; }
    const answer = $("answer").value;
    if (!answer.trim()) { $("preview").replaceChildren(); return; }
    inFlight = true;
    try {
      showPreview(await post("/api/preview", {target: $("target").value, answer: answer}));
    } catch (err) {
      showPreview({ok: false, error: err.message});
    } finally {
      inFlight = false;
      if (again) { again = false; runPreview(); }
    }
  }

  function schedulePreview() {
    clearTimeout(timer);
    timer = setTimeout(runPreview, DEBOUNCE_MS);
  }

  function showResult(r) {
    $("verdict").textContent = r.verdict;
    $("verdict").className = r.verdict;
    $("score").textContent = "(score " + r.score + "/1)";
    $("feedback").textContent = r.feedback;
    const point = r.counterexample;
    $("counterexample").textContent = point
      ? "Counterexample: " + Object.entries(point).map(([k, v]) => k + " = " + v).join(", ") : "";
  }

  async function runCheck() {
    const button = $("check");
    if (button.disabled) return;
    button.disabled = true;
    $("verdict").textContent = "";
    $("feedback").textContent = "Checking…";
    try {
      showResult(await post("/api/check", {target: $("target").value, answer: $("answer").value,
                                           student: $("student").value}));
    } catch (err) {
      $("verdict").textContent = "error";
      $("feedback").textContent = err.message;
    } finally {
      button.disabled = false;
    }
  }

  async function newVariant() {
    const base = baseName($("target").value);
    const seed = Math.floor(Math.random() * 1e6);
    try {
      const response = await fetch("/api/variant?target=" + encodeURIComponent(base) + "&seed=" + seed);
      const v = await response.json();
      if (!response.ok) throw new Error(v.error);
      let option = [...$("target").options].find((o) => o.value === v.name);
      if (!option) { option = new Option(v.name, v.name); $("target").add(option); }
      $("target").value = v.name;
      showProblem();
      showGiven(v);
      schedulePreview();
    } catch (err) {
      $("feedback").textContent = err.message;
    }
  }

  $("target").addEventListener("change", () => { showProblem(); showGiven(null); schedulePreview(); });
  $("answer").addEventListener("input", schedulePreview);
  $("answer").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); runCheck(); }
  });
  $("check").addEventListener("click", runCheck);
  $("variant").addEventListener("click", newVariant);
  showProblem();
})();
