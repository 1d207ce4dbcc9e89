// Progressive enhancement of the survey form: a choice is saved the moment it is made, so nothing is
// lost when the respondent closes the tab before pressing a button. Each choice goes to the API's
// my-response endpoint (the form's data-autosave), which saves it through the same service as the form's
// buttons; without this script those buttons save the same answers.
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

  // The answer as the API's my-response endpoint takes it: the question's id, the choice and the comment.
  function answerOf(fieldset) {
    const answer = { question: Number(fieldset.dataset.questionId), comment: "" };
    for (const field of fieldset.elements) {
      if (field.type === "radio" && field.checked) {
        answer.choice = field.value;
      } else if (field.tagName === "TEXTAREA") {
        answer.comment = field.value;
      }
    }
    return answer;
  }

  // The API's refusal in words: a "detail", or the messages of each field.
  function messageOf(body) {
    if (body.detail) {
      return String(body.detail);
    }
    const messages = [];
    for (const value of Object.values(body)) {
      messages.push(...(Array.isArray(value) ? value : [value]));
    }
    return messages.length ? messages.join(" ") : "Your answer was not saved.";
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
    fetch(form.dataset.autosave, {
      method: "POST",
      body: JSON.stringify(answerOf(fieldset)),
      credentials: "same-origin",
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "X-CSRFToken": tokenMeta.content,
      },
    })
      .then(function (response) {
        // A page that is not JSON (a sign-in redirect, a server error) has no message of its own.
        return response.json().catch(function () {
          return {};
        }).then(function (body) {
          if (!response.ok) {
            throw new Error(messageOf(body));
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
