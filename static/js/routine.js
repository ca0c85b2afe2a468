// The guided session: one exercise at a time, with a countdown for holds and rests.
// Progressive enhancement: without this file the routine page is a checklist form that
// works on its own, and this script only drives that same form (its "Done" boxes).
(function () {
  "use strict";
  var form = document.querySelector("form[data-routine]");
  var template = document.getElementById("routine-player");
  var stringsNode = document.getElementById("routine-strings");
  if (!form || !template || !stringsNode || !("content" in template)) return;
  var strings = JSON.parse(stringsNode.textContent);
  var steps = Array.prototype.slice.call(form.querySelectorAll("[data-step]"));
  var finish = form.querySelector("[data-finish]");
  if (!steps.length || !finish) return;

  var player = template.content.firstElementChild.cloneNode(true);
  form.insertBefore(player, finish);
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
  var nextButton = part('[data-action="next"]');
  var finishHeading = finish.querySelector("h2");
  var finishSummary = finish.querySelector("[data-finish-summary]");

  var index = 0; // the step on screen; steps.length means the finish panel
  var set = 1;
  var phase = "ready"; // ready → (hold) → rest → ready … → done
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
    };
  }
  function doneBox(step) { return step.querySelector('input[type="checkbox"]'); }
  function doneCount() {
    return steps.filter(function (step) { return doneBox(step).checked; }).length;
  }

  function render() {
    var step = current();
    var values = { set: set, sets: step.sets };
    var counting = phase === "hold" || phase === "rest";
    pauseButton.disabled = !counting;
    mainButton.hidden = phase === "done";
    if (phase === "ready") {
      phaseText.textContent = say(strings.ready, values);
      clock.textContent = step.hold ? clockText(step.hold) : "";
      mainButton.textContent = say(step.hold ? strings.start_hold : strings.set_done, values);
    } else if (phase === "hold") {
      phaseText.textContent = say(strings.holding, values);
      mainButton.textContent = strings.end_hold;
    } else if (phase === "rest") {
      phaseText.textContent = say(strings.resting, values);
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

  function setFinished() {
    var step = current();
    stopClock();
    if (set >= step.sets) {
      phase = "done";
      doneBox(steps[index]).checked = true;
      announce(strings.done);
      render();
      nextButton.focus();
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
  function mainAction() {
    var step = current();
    if (phase === "ready" && step.hold) {
      startClock("hold", step.hold, say(strings.hold_for, { s: step.hold }));
    } else if (phase === "ready" || phase === "hold") {
      setFinished();
    } else if (phase === "rest") {
      restFinished();
    }
  }

  function show(newIndex, moveFocus) {
    stopClock();
    index = newIndex;
    var atEnd = index >= steps.length;
    steps.forEach(function (step, n) { step.hidden = n !== index; });
    finish.hidden = !atEnd;
    timerBox.hidden = atEnd;
    nextButton.hidden = atEnd;
    previousButton.disabled = index === 0;
    progressBar.value = Math.min(index + 1, steps.length);
    if (atEnd) {
      var summary = say(strings.finished, { done: doneCount(), total: steps.length });
      progressText.textContent = summary;
      finishSummary.textContent = summary;
    } else {
      progressText.textContent = say(strings.progress, { n: index + 1, total: steps.length });
      nextButton.textContent = index === steps.length - 1 ? strings.finish : strings.next;
      set = 1;
      phase = "ready";
      render();
    }
    if (moveFocus) (atEnd ? finishHeading : steps[index].querySelector("h2")).focus();
  }
  function next() {
    if (index >= steps.length) return;
    // Moving on means this one is done; its box can still be unticked on the way back.
    doneBox(steps[index]).checked = true;
    show(index + 1, true);
  }
  function previous() {
    if (index > 0) show(index - 1, true);
  }

  mainButton.addEventListener("click", mainAction);
  pauseButton.addEventListener("click", togglePause);
  nextButton.addEventListener("click", next);
  previousButton.addEventListener("click", previous);
  document.addEventListener("keydown", function (event) {
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
    } else if (event.key === "p" || event.key === "P") {
      togglePause();
    }
  });

  show(0, false);
})();
