// Catalog keyboard entry (B4, B5), without inline scripts (the CSP forbids them).
//
// List view: Enter in a row's quantity adds the line to the cart (htmx POST, no page reload)
// and moves the focus to the next row. Product card: Enter moves to the next cell of the
// matrix; "Add all to cart" sends one variant/quantity pair per filled cell only.
(() => {
  const focusNext = (inputs, current) => {
    const next = inputs[inputs.indexOf(current) + 1];
    if (next) {
      next.focus();
      next.select();
    }
    return next;
  };

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing) return;
    const quick = event.target.closest("[data-quick-qty]");
    if (quick) {
      event.preventDefault();
      if (quick.value.trim() !== "" && quick.form) {
        // A quantity the browser refuses (below the minimum, off the order multiple) keeps the
        // focus and says why; moving on would drop the message and the line with it.
        if (!quick.checkValidity()) {
          quick.classList.add("is-invalid");
          quick.reportValidity();
          return;
        }
        quick.form.requestSubmit();
      }
      focusNext([...document.querySelectorAll("[data-quick-qty]")], quick);
      return;
    }
    const cell = event.target.closest("[data-matrix-qty]");
    if (cell) {
      event.preventDefault();
      const inputs = [...cell.form.querySelectorAll("[data-matrix-qty]")];
      if (!focusNext(inputs, cell)) cell.form.requestSubmit();
    }
  });

  // Leave out the cells without a quantity: disabled fields are not submitted.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!form.matches("[data-bulk-add]")) return;
      const skipped = [];
      form.querySelectorAll(".matrix-cell").forEach((cell) => {
        const quantity = cell.querySelector("[name=quantity]");
        if (quantity && quantity.value.trim() === "") {
          cell.querySelectorAll("input").forEach((input) => {
            input.disabled = true;
            skipped.push(input);
          });
        }
      });
      setTimeout(() => skipped.forEach((input) => { input.disabled = false; }), 0);
    },
    true,
  );

  // A corrected quantity loses the old verdict.
  document.addEventListener("input", (event) => {
    if (event.target.matches("[data-quick-qty]")) event.target.classList.remove("is-valid", "is-invalid");
  });

  // Show on the row whether the line was added.
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    if (!form.matches || !form.matches("[data-quick-add]")) return;
    const input = form.querySelector("[data-quick-qty]");
    if (!input) return;
    // The server answers 200 with its reasons when it refuses a line (marked data-refused).
    const added = event.detail.successful && !event.detail.xhr.responseText.includes("data-refused");
    input.classList.toggle("is-valid", added);
    input.classList.toggle("is-invalid", !added);
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.detail.elt;
    const refused = event.detail.xhr.responseText.includes("data-refused");
    // A refused matrix keeps what was typed, to be corrected rather than typed again.
    if (form.matches && form.matches("[data-bulk-add]") && event.detail.successful && !refused) {
      form.querySelectorAll("[data-matrix-qty]").forEach((input) => { input.value = ""; });
    }
  });
})();
