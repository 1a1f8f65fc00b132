// Site-wide behaviour, in a static file: the Content-Security-Policy allows no inline script.
// A <select data-autosubmit> (the language menu) submits its form when changed.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) {
    event.target.form.submit();
  }
});
