/* papershelf search: the `/` shortcut and header box on every page, and the
   search page, which queries the index in a Web Worker. Results are built as
   DOM text: nothing from the index is ever parsed as HTML. */
(function () {
  "use strict";
  var rootMeta = document.querySelector('meta[name="papershelf-root"]');
  if (!rootMeta) return;
  var root = new URL(rootMeta.content || "./", document.baseURI);
  var urls = {
    worker: new URL(rootMeta.dataset.static + "js/search-worker.js", root).href,
    index: new URL(rootMeta.dataset.index, root).href
  };
  var page = document.getElementById("search-page");
  var box = page ? document.getElementById("search-input") : document.getElementById("site-search-q");

  /* "/" focuses the search box from anywhere, unless the reader is typing. */
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName);
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey && box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });
  if (!page) return;

  var form = document.getElementById("search-form");
  var tagSelect = document.getElementById("search-tag");
  var yearSelect = document.getElementById("search-year");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE = 10;
  var worker = null, lastId = 0, timer = null, limit = PAGE, wantTags = false;
  var typing = false; /* the query comes from the box as it is typed, not yet submitted */

  function start() {
    if (!worker) {
      worker = new Worker(urls.worker + "#" + encodeURIComponent(urls.index));
      worker.onmessage = receive;
      worker.postMessage({ type: "load", urls: urls });
    }
    return worker;
  }

  function state() {
    return { q: box.value, tag: tagSelect.value, year: yearSelect.value };
  }

  function urlFor(s) {
    var params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    if (s.tag) params.set("tag", s.tag);
    if (s.year) params.set("year", s.year);
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "");
  }

  function remember(push) {
    var s = state();
    if (urlFor(s) === location.pathname + location.search) return;
    (push ? history.pushState : history.replaceState).call(history, s, "", urlFor(s));
  }

  /* A new query starts at the first page of results; "More results" asks
     the same query for more. */
  function run(keepLimit) {
    var s = state();
    if (!keepLimit) limit = PAGE;
    document.title = (s.q ? s.q + " · " : "") + page.dataset.title;
    lastId += 1;
    if (!s.q.trim()) {
      list.replaceChildren();
      more.hidden = true;
      status.textContent = page.dataset.empty;
      return;
    }
    start().postMessage({
      type: "query", id: lastId, urls: urls, text: s.q, tag: s.tag, year: s.year,
      limit: limit, tags: wantTags, done: !typing
    });
  }

  function text(tag, content, className) {
    var element = document.createElement(tag);
    if (content !== undefined) element.textContent = content;
    if (className) element.className = className;
    return element;
  }

  function highlighted(tag, pieces, className) {
    var element = text(tag, undefined, className);
    pieces.forEach(function (piece) {
      element.append(piece[1] ? text("mark", piece[0]) : document.createTextNode(piece[0]));
    });
    return element;
  }

  function fillFilter(select, counts, current, everything, order) {
    var keys = Object.keys(counts);
    if (current && keys.indexOf(current) < 0) keys.push(current);
    keys.sort(order);
    var options = [new Option(everything, "")].concat(keys.map(function (key) {
      return new Option(counts[key] === null ? key : key + " (" + (counts[key] || 0) + ")", key);
    }));
    select.replaceChildren.apply(select, options);
    select.value = current;
  }

  function render(message) {
    /* Tag names alone until each tag's papers are fetched (see wantTags). */
    var tagCounts = message.tags || {};
    if (!message.tags) message.tagNames.forEach(function (name) { tagCounts[name] = null; });
    fillFilter(tagSelect, tagCounts, tagSelect.value, "All tags", function (a, b) {
      return (tagCounts[b] || 0) - (tagCounts[a] || 0) || a.localeCompare(b);
    });
    fillFilter(yearSelect, message.years, yearSelect.value, "All years", function (a, b) {
      return b.localeCompare(a);
    });
    var items = message.results.map(function (result) {
      var item = text("li", undefined, "paper-item");
      var heading = text("h2", undefined, "paper-item-title");
      var title = highlighted("a", result.title);
      title.href = new URL(result.url, root).href;
      heading.append(title);
      var meta = text("p", undefined, "paper-item-meta");
      if (result.upvotes !== null) {
        var votes = text("span", "▲ " + result.upvotes, "upvotes");
        votes.title = "upvotes";
        meta.append(votes);
      }
      var time = text("time", result.dateLabel);
      time.dateTime = result.date;
      meta.append(time);
      if (result.authors.length) {
        var more = result.authorsCount > result.authors.length ? " et al." : "";
        meta.append(text("span", result.authors.join(", ") + more, "authors"));
      } else if (result.authorsCount) {
        meta.append(text("span", result.authorsCount + " author" + (result.authorsCount === 1 ? "" : "s"), "authors"));
      }
      item.append(heading, meta);
      if (result.tags.length) {
        var tags = text("ul", undefined, "tags");
        result.tags.forEach(function (tag) {
          var entry = text("li");
          entry.append(link(tag[0], tag[1]));
          tags.append(entry);
        });
        item.append(tags);
      }
      if (result.snippet.length) item.append(highlighted("p", result.snippet, "paper-item-preview"));
      return item;
    });
    list.replaceChildren.apply(list, items);
    more.hidden = message.results.length >= message.total;
    var count = message.total === 1 ? "1 paper" : message.total + " papers";
    if (message.total === 0) {
      status.replaceChildren(text("span", page.dataset.none.replace("{q}", message.text) + " "),
        link("Browse the tags", page.dataset.tags), text("span", " or "),
        link("the dates", page.dataset.dates), text("span", "."));
    } else {
      var shown = message.results.length < message.total ? " (the first " + message.results.length + " shown)" : "";
      status.textContent = count + " match" + (message.total === 1 ? "es" : "") + " “" + message.text + "”" + shown + ".";
    }
  }

  function link(label, href) {
    var a = text("a", label);
    a.href = new URL(href, root).href;
    return a;
  }

  function receive(event) {
    var message = event.data;
    if (message.type === "error" && message.id === lastId) {
      status.textContent = "The search index could not be loaded (" + message.message + ").";
    } else if (message.type === "results" && message.id === lastId) {
      render(message);
    }
  }

  /* The query as it stands is the reader's: submitted, read from the
     address, or filtered. */
  function done() {
    clearTimeout(timer);
    typing = false;
  }

  function restore() {
    done();
    var params = new URLSearchParams(location.search);
    box.value = params.get("q") || "";
    [[tagSelect, params.get("tag")], [yearSelect, params.get("year")]].forEach(function (pair) {
      var value = pair[1] || "";
      if (value && !Array.prototype.some.call(pair[0].options, function (o) { return o.value === value; })) {
        pair[0].append(new Option(value, value));
      }
      pair[0].value = value;
    });
    wantTags = wantTags || Boolean(tagSelect.value);
    run();
  }

  box.addEventListener("focus", start);
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { typing = true; remember(false); run(); }, 60);
  });
  /* Tag counts need each tag's papers: fetched once the reader turns to the filter. */
  ["focus", "pointerdown"].forEach(function (type) {
    tagSelect.addEventListener(type, function () {
      if (wantTags) return;
      wantTags = true;
      if (box.value.trim()) run(true);
    });
  });
  more.addEventListener("click", function () {
    limit += PAGE;
    run(true);
  });
  [tagSelect, yearSelect].forEach(function (select) {
    select.addEventListener("change", function () { done(); remember(true); run(); });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    done();
    remember(true);
    run();
  });
  window.addEventListener("popstate", restore);
  page.classList.add("ready");
  restore();
})();
