// Loaded in <head> before the page is drawn (base.html): marks the document as scripted, so that the phone layout
// (the menu collapsed behind its button) is drawn from the start and nothing moves when static/js/site.js runs.
document.documentElement.classList.add("js");
