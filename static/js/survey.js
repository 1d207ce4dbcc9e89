// Progressive enhancement of the survey form: a choice is saved the moment it is made, so nothing is
// lost when the respondent closes the tab before pressing a button. Without this script the form's
// buttons save the same answers; the server treats both alike.
(function () {
  "use strict";

  // The comment's length against its limit, live: the textarea has no maxlength (the browser would cut a
  // pasted comment without a word), so the person learns here, before saving, that it is too long.
  const numberFormat = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function countComment(textarea) {
    const count = document.getElementById(textarea.getAttribute("aria-describedby"));
    const limit = Number(textarea.dataset.maxLength);
    if (!count || !limit) {
      return;
    }
    const length = textarea.value.trim().length;
    const over = length - limit;
    count.textContent =
      over > 0
        ? numberFormat.format(over) + " characters over the limit of " + numberFormat.format(limit) +
          ": shorten the comment, or it cannot be saved."
        : numberFormat.format(length) + " of " + numberFormat.format(limit) + " characters.";
    count.classList.toggle("is-over", over > 0);
    if (over > 0) {
      textarea.setAttribute("aria-invalid", "true");
    } else {
      textarea.removeAttribute("aria-invalid");
    }
  }

  for (const textarea of document.querySelectorAll("textarea[data-max-length]")) {
    countComment(textarea);
    textarea.addEventListener("input", function () {
      countComment(textarea);
    });
  }

  const form = document.querySelector("form[data-autosave]");
  const tokenMeta = document.querySelector('meta[name="csrf-token"]');
  if (!form || !tokenMeta || !window.fetch) {
    return;
  }
  const status = document.getElementById("autosave-status");
  const progress = document.getElementById("survey-progress");
  const answeredCount = document.getElementById("survey-answered");

  function say(message) {
    if (status) {
      status.textContent = message;
    }
  }

  function fieldsOf(fieldset) {
    const data = new FormData();
    for (const field of fieldset.elements) {
      if (field.name && (field.type !== "radio" || field.checked)) {
        data.append(field.name, field.value);
      }
    }
    return data;
  }

  function markAnswered(number) {
    const step = document.querySelector('.question-steps a[data-question="' + number + '"]');
    if (step) {
      step.classList.add("is-answered");
      step.setAttribute("aria-label", "Question " + number + ", answered");
    }
  }

  form.addEventListener("change", function (event) {
    const field = event.target;
    if (field.type !== "radio") {
      return;
    }
    const fieldset = field.closest("fieldset[data-question]");
    say("Saving…");
    fetch(form.action, {
      method: "POST",
      body: fieldsOf(fieldset),
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": tokenMeta.content },
    })
      .then(function (response) {
        // A page that is not JSON (a sign-in redirect, a server error) has no message of its own.
        return response.json().catch(function () {
          return {};
        }).then(function (body) {
          if (!response.ok) {
            throw new Error(body.error || "Your answer was not saved.");
          }
          return body;
        });
      })
      .then(function (body) {
        say("Saved your answer to question " + fieldset.dataset.question + ".");
        markAnswered(fieldset.dataset.question);
        if (progress) {
          progress.value = body.answered;
        }
        if (answeredCount) {
          answeredCount.textContent = body.answered;
        }
      })
      .catch(function (error) {
        say(error.message + " Use the Save button below to try again.");
      });
  });
})();
