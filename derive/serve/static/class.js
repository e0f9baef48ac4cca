// The class page: upload a CSV or JSON Lines file to /api/grade, then reload to show the new figures.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const token = new URLSearchParams(location.search).get("token");
  const auth = token ? {"Authorization": "Bearer " + token} : {};

  async function grade() {
    const file = $("file").files[0];
    if (!file) { $("grade-status").textContent = "Choose a file first."; return; }
    const form = new FormData();
    form.append("file", file);
    $("grade").disabled = true;
    $("grade-status").textContent = "Grading " + file.name + "…";
    try {
      const response = await fetch("/api/grade", {method: "POST", body: form, headers: auth});
      const data = await response.json();
      if (!response.ok) throw new Error(data.error || ("HTTP " + response.status));
      $("grade-status").textContent = data.summary.line;
      sessionStorage.setItem("derive-last-grade", data.summary.line);
      sessionStorage.setItem("derive-last-zip", data.zip);
      location.reload();
    } catch (err) {
      $("grade-status").textContent = "Not graded: " + err.message;
    } finally {
      $("grade").disabled = false;
    }
  }

  async function download(event) {
    event.preventDefault();
    const response = await fetch($("zip").dataset.url, {headers: auth});
    if (!response.ok) { $("grade-status").textContent = "Download failed: HTTP " + response.status; return; }
    const url = URL.createObjectURL(await response.blob());
    const a = document.createElement("a");
    a.href = url; a.download = "results.zip"; a.click();
    URL.revokeObjectURL(url);
  }

  const last = sessionStorage.getItem("derive-last-grade");
  if (last) {
    $("grade-status").textContent = last;
    $("zip").dataset.url = sessionStorage.getItem("derive-last-zip");
    $("zip").href = "#";
    $("zip").hidden = false;
  }
  $("grade").addEventListener("click", grade);
  $("zip").addEventListener("click", download);
})();
