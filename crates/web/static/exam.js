// The exam page: each answer is saved as it is chosen, and a countdown submits the paper when time runs out.
// Without this script the page still works: 保存答案 saves everything, 交卷 submits.
(function () {
  "use strict";
  var form = document.getElementById("exam");
  if (!form) return;
  var csrf = form.querySelector("input[name=_csrf]").value;
  var status = document.getElementById("saved");
  var timer = document.getElementById("timer");

  function answerOf(name) {
    var chosen = form.querySelectorAll("input[name=" + name + "]:checked");
    return Array.prototype.map.call(chosen, function (i) { return i.value; }).join("");
  }

  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (!/^q\d+$/.test(name)) return;
    var position = name.slice(1);
    var body = new URLSearchParams();
    body.set("_csrf", csrf);
    body.set("position", position);
    body.set("answer", answerOf(name));
    status.textContent = "正在保存…";
    fetch(form.dataset.save, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "x-requested-with": "fetch" }
    }).then(function (response) {
      if (response.ok) {
        status.textContent = "第 " + (Number(position) + 1) + " 题已保存";
        status.dataset.saved = String(Number(status.dataset.saved || 0) + 1);
      } else {
        return response.text().then(function (text) { status.textContent = text || "保存失败，请重试"; });
      }
    }).catch(function () {
      status.textContent = "网络中断，答案未保存；恢复后请再选一次或点“保存答案”";
    });
  });

  var end = Date.now() + Number(form.dataset.secondsLeft) * 1000;
  var submitted = false;
  function tick() {
    var left = Math.max(0, Math.round((end - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    timer.textContent = "剩余时间 " + minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    if (left === 0 && !submitted) {
      submitted = true;
      timer.textContent = "时间到，正在交卷…";
      form.submit();
      return;
    }
    setTimeout(tick, 1000);
  }
  tick();
})();
