// The guided session: one exercise at a time, with a countdown for holds and rests.
// Progressive enhancement: without this file the routine page is a checklist form that
// works on its own, and this script only drives that same form (its "Done" boxes), then
// offers the one-step log form beside it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-routine]");
  var template = document.getElementById("routine-player");
  var settingsTemplate = document.getElementById("routine-settings");
  var stringsNode = document.getElementById("routine-strings");
  var quickLog = document.querySelector("form[data-quick-log]");
  if (!form || !template || !settingsTemplate || !stringsNode || !("content" in template)) return;
  var strings = JSON.parse(stringsNode.textContent);
  var stepList = form.querySelector(".routine-steps");
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var finish = form.querySelector("[data-finish]");
  if (!steps.length || !finish || !stepList) return;

  // The player goes above the exercise and stays in view (sticky) while it is scrolled.
  var player = template.content.firstElementChild.cloneNode(true);
  form.insertBefore(player, stepList);
  var settingsBox = settingsTemplate.content.firstElementChild.cloneNode(true);
  form.insertBefore(settingsBox, finish);
  form.classList.add("guided");
  function part(selector) { return player.querySelector(selector); }
  var progressText = part("[data-progress]");
  var progressBar = part("[data-progress-bar]");
  var timerBox = part("[data-timer-box]");
  var phaseText = part("[data-phase]");
  var clock = part("[data-clock]");
  var announcer = part("[data-announce]");
  var mainButton = part('[data-action="main"]');
  var pauseButton = part('[data-action="pause"]');
  var previousButton = part('[data-action="previous"]');
  var doneButton = part('[data-action="done"]');
  var nextButton = part('[data-action="next"]');
  var finishHeading = finish.querySelector("h2");
  var finishSummary = finish.querySelector("[data-finish-summary]");
  var finishList = finish.querySelector("[data-finish-list]");
  var longFormButton = finish.querySelector("[data-long-form]");
  var longFormLabel = longFormButton ? longFormButton.textContent : "";

  // Settings, remembered on this device ------------------------------------------------
  var AudioContextClass = window.AudioContext || window.webkitAudioContext;
  var canVibrate = typeof navigator.vibrate === "function";
  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var defaults = { sound: true, vibrate: !reducedMotion, key: true };
  var settings = {};
  function stored(name) {
    try { return window.localStorage.getItem("routine." + name); } catch (error) { return null; }
  }
  function store(name, on) {
    try { window.localStorage.setItem("routine." + name, on ? "on" : "off"); } catch (error) { /* private mode */ }
  }
  Array.prototype.forEach.call(settingsBox.querySelectorAll("[data-setting]"), function (box) {
    var name = box.dataset.setting;
    var saved = stored(name);
    settings[name] = saved === null ? defaults[name] : saved === "on";
    box.checked = settings[name];
    box.addEventListener("change", function () {
      settings[name] = box.checked;
      store(name, box.checked);
    });
  });
  settingsBox.querySelector("[data-sound-setting]").hidden = !AudioContextClass;
  settingsBox.querySelector("[data-vibrate-setting]").hidden = !canVibrate;

  // The end-of-phase signal: a short beep made here (no sound file) and a buzz.
  var audio = null;
  function audioReady() {
    // Browsers only let sound start from a click or key press, so this runs in one.
    if (!settings.sound || !AudioContextClass) return;
    if (!audio) audio = new AudioContextClass();
    if (audio.state === "suspended") audio.resume();
  }
  function beep() {
    if (!audio) return;
    var start = audio.currentTime;
    var tone = audio.createOscillator();
    var volume = audio.createGain();
    tone.type = "sine";
    tone.frequency.value = 880;
    volume.gain.setValueAtTime(0.25, start);
    volume.gain.exponentialRampToValueAtTime(0.001, start + 0.35);
    tone.connect(volume);
    volume.connect(audio.destination);
    tone.start(start);
    tone.stop(start + 0.35);
  }
  function signal() {
    if (settings.sound) beep();
    if (settings.vibrate && canVibrate) navigator.vibrate([200, 100, 200]);
  }

  // The session -------------------------------------------------------------------------
  var index = 0; // the step on screen; steps.length means the finish panel
  var set = 1;
  var side = 0; // 0: left (or the only side), 1: right
  var phase = "ready"; // ready → (hold) → [other side] → rest → ready … → done
  var remaining = 0;
  var endsAt = 0;
  var interval = null;
  var paused = false;

  function say(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }
  function clockText(seconds) {
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    return minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }
  function announce(text) { announcer.textContent = text; }
  function number(value) { return value ? parseInt(value, 10) : null; }
  function current() {
    var data = steps[index].dataset;
    return {
      sets: number(data.sets) || 1,
      reps: number(data.reps),
      hold: number(data.hold),
      rest: number(data.rest) || 0,
      sides: data.perSide === "true" ? 2 : 1,
    };
  }
  function sideName(step) {
    if (step.sides < 2) return "";
    return side === 0 ? strings.left_foot : strings.right_foot;
  }
  // The sided wording ("Set 1 of 2, left foot") when the exercise is done one foot at a time.
  function words(key, step) {
    var name = sideName(step);
    var values = { set: set, sets: step.sets, side: name };
    return say(name && strings[key + "_side"] ? strings[key + "_side"] : strings[key], values);
  }
  function doneBox(step) { return step.querySelector('input[type="checkbox"]'); }
  function ticked() {
    return steps.filter(function (step) { return doneBox(step).checked; });
  }

  function render() {
    var step = current();
    var counting = phase === "hold" || phase === "rest";
    pauseButton.disabled = !counting;
    mainButton.hidden = phase === "done";
    if (phase === "ready") {
      phaseText.textContent = words("ready", step);
      clock.textContent = step.hold ? clockText(step.hold) : "";
      mainButton.textContent = words(step.hold ? "start_hold" : "set_done", step);
    } else if (phase === "hold") {
      phaseText.textContent = words("holding", step);
      mainButton.textContent = strings.end_hold;
    } else if (phase === "rest") {
      phaseText.textContent = say(strings.resting, { set: set, sets: step.sets });
      mainButton.textContent = strings.skip_rest;
    } else {
      phaseText.textContent = strings.done;
      clock.textContent = "";
    }
    if (counting) clock.textContent = clockText(remaining);
    clock.hidden = clock.textContent === "";
  }

  function stopClock() {
    if (interval !== null) window.clearInterval(interval);
    interval = null;
    paused = false;
    pauseButton.textContent = strings.pause;
    pauseButton.setAttribute("aria-pressed", "false");
  }
  function runClock() {
    endsAt = Date.now() + remaining * 1000;
    interval = window.setInterval(tick, 200);
  }
  function startClock(newPhase, seconds, message) {
    stopClock();
    phase = newPhase;
    remaining = seconds;
    runClock();
    announce(message);
    render();
  }
  function tick() {
    var left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    if (left !== remaining) {
      remaining = left;
      clock.textContent = clockText(left);
      // Speak now and then, not every second: at each half minute and at ten seconds.
      if (left > 0 && (left === 10 || left % 30 === 0)) announce(say(strings.left, { s: left }));
    }
    if (left === 0) {
      signal();
      if (phase === "hold") setFinished();
      else restFinished();
    }
  }
  function togglePause() {
    if (phase !== "hold" && phase !== "rest") return;
    if (paused) {
      paused = false;
      runClock();
      pauseButton.textContent = strings.pause;
      pauseButton.setAttribute("aria-pressed", "false");
      announce(strings.resumed);
    } else {
      window.clearInterval(interval);
      interval = null;
      remaining = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
      paused = true;
      pauseButton.textContent = strings.resume;
      pauseButton.setAttribute("aria-pressed", "true");
      announce(say(strings.paused, { s: remaining }));
    }
  }

  // One side of one set is over (its hold ran out, or its reps were done).
  function setFinished() {
    var step = current();
    stopClock();
    if (side + 1 < step.sides) {
      side += 1;
      phase = "ready";
      announce(say(strings.switch_side, { side: sideName(step), set: set, sets: step.sets }));
      render();
      return;
    }
    side = 0;
    if (set >= step.sets) {
      // Every set is over; ticking it off stays the person's own choice ("Done").
      phase = "done";
      announce(strings.done);
      render();
      doneButton.focus();
      return;
    }
    set += 1;
    if (step.rest > 0) {
      startClock("rest", step.rest, say(strings.rest_for, { s: step.rest }));
    } else {
      restFinished();
    }
  }
  function restFinished() {
    stopClock();
    phase = "ready";
    announce(say(strings.rest_over, { set: set, sets: current().sets }));
    render();
  }
  // Scroll so the player is at the top of the screen: always when the exercise changes,
  // and on starting one only when the player is still lower down.
  function playerToTop(always) {
    var top = form.getBoundingClientRect().top;
    if (always || top > 0) window.scrollTo(0, top + window.pageYOffset);
  }
  function mainAction() {
    var step = current();
    audioReady();
    playerToTop(false);
    if (phase === "ready" && step.hold) {
      startClock("hold", step.hold, say(strings.hold_for, { s: step.hold }));
    } else if (phase === "ready" || phase === "hold") {
      setFinished();
    } else if (phase === "rest") {
      restFinished();
    }
  }

  function showFinish() {
    var done = ticked();
    var summary = say(strings.finished, { done: done.length, total: steps.length });
    progressText.textContent = summary;
    finishSummary.textContent = done.length ? summary : summary + " " + strings.none_ticked;
    finishList.textContent = "";
    done.forEach(function (step) {
      var entry = document.createElement("li");
      entry.textContent = step.dataset.name;
      finishList.appendChild(entry);
    });
    finishList.hidden = !done.length;
    if (quickLog) {
      quickLog.hidden = !done.length;
      if (longFormButton) {
        longFormButton.textContent = done.length ? strings.long_form : longFormLabel;
        longFormButton.classList.toggle("secondary", done.length > 0);
      }
    }
  }
  function show(newIndex, moveFocus) {
    stopClock();
    index = newIndex;
    var atEnd = index >= steps.length;
    steps.forEach(function (step, n) { step.hidden = n !== index; });
    finish.hidden = !atEnd;
    settingsBox.hidden = atEnd;
    if (quickLog) quickLog.hidden = true;
    timerBox.hidden = atEnd;
    nextButton.hidden = atEnd;
    doneButton.hidden = atEnd;
    previousButton.disabled = index === 0;
    progressBar.value = Math.min(index + 1, steps.length);
    if (atEnd) {
      showFinish();
    } else {
      progressText.textContent = say(strings.progress, { n: index + 1, total: steps.length });
      nextButton.textContent = index === steps.length - 1 ? strings.finish : strings.next;
      doneButton.textContent = strings.done_button;
      set = 1;
      side = 0;
      phase = "ready";
      render();
    }
    if (moveFocus) {
      (atEnd ? finishHeading : steps[index].querySelector("h2")).focus({ preventScroll: true });
      // The player sits on top of the page, the exercise right under it.
      playerToTop(true);
    }
  }
  function next() {
    // Moving on says nothing about whether it was done: only "Done" ticks it.
    if (index < steps.length) show(index + 1, true);
  }
  function markDone() {
    if (index >= steps.length) return;
    doneBox(steps[index]).checked = true;
    announce(say(strings.ticked, { name: steps[index].dataset.name }));
    show(index + 1, true);
  }
  function previous() {
    if (index > 0) show(index - 1, true);
  }

  mainButton.addEventListener("click", mainAction);
  pauseButton.addEventListener("click", togglePause);
  nextButton.addEventListener("click", next);
  doneButton.addEventListener("click", markDone);
  previousButton.addEventListener("click", previous);
  if (quickLog) {
    quickLog.addEventListener("submit", function () {
      Array.prototype.forEach.call(quickLog.querySelectorAll('input[name="item"]'), function (old) {
        old.remove();
      });
      ticked().forEach(function (step) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = "item";
        field.value = doneBox(step).value;
        quickLog.appendChild(field);
      });
    });
  }
  // Keys work only while focus is inside the routine, so they never steal typing elsewhere;
  // the single-letter one (P) can be switched off in the settings (WCAG 2.1.4).
  form.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    var target = event.target;
    var typing = target.isContentEditable ||
      /^(TEXTAREA|SELECT)$/.test(target.tagName) ||
      (target.tagName === "INPUT" && target.type !== "checkbox");
    if (typing) return;
    if (event.key === "ArrowRight") {
      event.preventDefault();
      next();
    } else if (event.key === "ArrowLeft") {
      event.preventDefault();
      previous();
    } else if ((event.key === "p" || event.key === "P") && settings.key) {
      togglePause();
    }
  });

  show(0, false);
})();
