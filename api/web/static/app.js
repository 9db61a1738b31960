// The workspace's little JavaScript: dictation, dropping a file into the note, evidence
// highlights that follow the field in focus, and the charts (ECharts, served from /static).
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "zh").indexOf("zh") === 0;

  function byId(id) { return document.getElementById(id); }

  // -- dictation: the browser's speech input, where it has one --------------------------------
  var dictate = byId("dictate");
  var note = byId("text");
  var Speech = window.SpeechRecognition || window.webkitSpeechRecognition;
  if (dictate && note && Speech) {
    dictate.hidden = false;
    var listening = null;
    dictate.addEventListener("click", function () {
      if (listening) { listening.stop(); return; }
      var rec = new Speech();
      rec.lang = zh ? "zh-CN" : "en-US";
      rec.continuous = true;
      rec.interimResults = false;
      rec.onresult = function (event) {
        for (var i = event.resultIndex; i < event.results.length; i++) {
          if (event.results[i].isFinal) {
            note.value += (note.value && !/\s$/.test(note.value) ? " " : "") + event.results[i][0].transcript;
          }
        }
      };
      rec.onend = function () { listening = null; dictate.textContent = "🎙 " + dictate.dataset.idle; };
      rec.start();
      listening = rec;
      dictate.textContent = "⏺ " + dictate.dataset.busy;
    });
  }

  // -- a chat export or transcript dropped in or chosen --------------------------------------
  function readInto(file) {
    if (!file || !note) { return; }
    var reader = new FileReader();
    reader.onload = function () {
      note.value = String(reader.result || "");
      var kind = byId("kind");
      if (kind && kind.value === "dictation") {
        // a file with a speaker on most lines is a chat or a call, not a dictation
        var lines = note.value.split(/\n/).filter(function (l) { return l.trim(); });
        var spoken = lines.filter(function (l) { return /^\s*\[?[\d:]*\]?\s*[^:：]{1,24}[:：]/.test(l); });
        if (lines.length > 1 && spoken.length * 2 > lines.length) {
          kind.value = /\d{1,2}:\d{2}:\d{2}|\(\d{1,2}:\d{2}\)/.test(note.value) ? "call" : "chat";
        }
      }
    };
    reader.readAsText(file, "utf-8");
  }
  var file = byId("file");
  if (file) { file.addEventListener("change", function () { readInto(file.files[0]); }); }
  if (note) {
    note.addEventListener("dragover", function (e) { e.preventDefault(); note.classList.add("dropping"); });
    note.addEventListener("dragleave", function () { note.classList.remove("dropping"); });
    note.addEventListener("drop", function (e) {
      e.preventDefault();
      note.classList.remove("dropping");
      if (e.dataTransfer && e.dataTransfer.files.length) { readInto(e.dataTransfer.files[0]); }
    });
  }

  // -- evidence: the field in focus lights up its quote in the text -------------------------
  function light(key, on) {
    var marks = document.querySelectorAll("#transcript mark[data-keys]");
    for (var i = 0; i < marks.length; i++) {
      var keys = marks[i].getAttribute("data-keys").split(" ");
      marks[i].classList.toggle("active", on && keys.indexOf(key) >= 0);
    }
  }
  var rows = document.querySelectorAll("[data-field]");
  for (var r = 0; r < rows.length; r++) {
    (function (row) {
      var key = row.getAttribute("data-field");
      row.addEventListener("focusin", function () { light(key, true); });
      row.addEventListener("focusout", function () { light(key, false); });
      row.addEventListener("mouseenter", function () { light(key, true); });
      row.addEventListener("mouseleave", function () { light(key, false); });
    })(rows[r]);
  }

  // -- the note survives a lost session: a draft kept in this browser until the note is saved ------
  var DRAFT = "copilot-note-draft";
  try {
    if (note) {
      if (!note.value && window.localStorage.getItem(DRAFT)) { note.value = window.localStorage.getItem(DRAFT); }
      note.addEventListener("input", function () { window.localStorage.setItem(DRAFT, note.value); });
    }
    if (byId("saved")) { window.localStorage.removeItem(DRAFT); }
  } catch (e) { /* storage disabled: nothing kept */ }

  // -- one submission per click --------------------------------------------------------------
  window.addEventListener("pageshow", function () {  // back from an error page: submit again
    var off = document.querySelectorAll("button[disabled]");
    for (var b = 0; b < off.length; b++) { off[b].disabled = false; }
  });
  var forms = document.querySelectorAll("form[method=post]");
  for (var f = 0; f < forms.length; f++) {
    forms[f].addEventListener("submit", function (e) {
      var button = e.target.querySelector("button[type=submit]:not([name])");
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  }

  // -- charts -----------------------------------------------------------------------------------
  function data(id) {
    var el = byId(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function charts() {
    if (!window.echarts) { return; }
    var heat = byId("heatmap");
    var h = data("heat-data");
    if (heat && h) {
      var chart = window.echarts.init(heat, null, { renderer: "svg" });
      chart.setOption({
        animation: false,
        tooltip: { position: "top" },
        grid: { left: 64, right: 12, top: 8, bottom: 48 },
        xAxis: { type: "category", data: h.days.map(function (d) { return d.slice(5); }), splitArea: { show: true } },
        yAxis: { type: "category", data: h.role_names, splitArea: { show: true } },
        visualMap: { min: 0, max: Math.max(1, h.max), show: false, inRange: { color: ["#f4f6f8", "#1f6feb"] } },
        series: [{ type: "heatmap", data: h.cells, label: { show: false } }]
      });
      chart.on("click", function (p) {
        var day = h.days[p.value[0]], role = h.roles[p.value[1]];
        window.location.href = "/app/customers/" + encodeURIComponent(h.customer) + "/day/" + day + "?role=" + role;
      });
      heat.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    }
    var radars = document.querySelectorAll("[data-radar]");
    for (var i = 0; i < radars.length; i++) {
      var r = data(radars[i].getAttribute("data-radar"));
      if (!r) { continue; }
      var rc = window.echarts.init(radars[i], null, { renderer: "svg" });
      rc.setOption({
        animation: false,
        radar: { indicator: r.dimensions.map(function (d) { return { name: d.name, max: 100 }; }), radius: "62%" },
        series: [{ type: "radar", data: [{ value: r.dimensions.map(function (d) { return d.score; }), name: r.rep }] }]
      });
      radars[i].setAttribute("data-drawn", "1");
    }
  }
  // the brief's radars arrive after the page: its numbers never wait for them
  function slots() {
    var slot = byId("radars-slot");
    if (!slot || !window.fetch) { charts(); return; }
    fetch(slot.getAttribute("data-src"), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { slot.innerHTML = html; charts(); })
      .catch(function () { charts(); });
  }
  function ready() { if (byId("radars-slot")) { charts(); slots(); } else { charts(); } }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", ready); } else { ready(); }
})();
