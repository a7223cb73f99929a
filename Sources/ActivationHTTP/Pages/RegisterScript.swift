/// The registration page's script (replaced by `register.js` in the templates directory): the
/// rules checked as the person types, the username looked up after a pause, and Refresh without
/// reloading the page. The CSP allows exactly this script by its hash; it adds no handler in the
/// markup. The server checks everything again: the page works without it.
///
/// Its messages are ActivationCore's (`RegistrationRules`), word for word; a test holds them equal.
enum RegisterScript {
    static let source = #"""
        (function () {
        "use strict";
        var form = document.getElementById("register-form");
        if (!form) return;
        var M = {
          usernameLength: "The username must be 5 to 16 characters long.",
          usernameCharacters: "The username can include letters and numbers only: no spaces, punctuation or special characters.",
          usernameTaken: "This username is already in use; choose another one.",
          passwordLength: "The password must be 8 to 16 characters long.",
          passwordUpper: "The password must contain at least one uppercase letter.",
          passwordLower: "The password must contain at least one lowercase letter.",
          passwordDigit: "The password must contain at least one number.",
          passwordSame: "The password must be different from the username.",
          passwordMismatch: "The two passwords do not match.",
          emailInvalid: "Enter a valid email address, such as name@example.org.",
          emailMismatch: "The two email addresses do not match.",
          firstName: "First name is required.",
          lastName: "Last name is required.",
          phrase: "A password protection phrase is required.",
          conditions: "You must agree to the conditions of use to create an account.",
          characters: "Type the characters you see in the picture."
        };
        function field(name) { return document.getElementById(name); }
        function value(name) { var f = field(name); return f ? f.value : ""; }
        function length(text) { return Array.from(text).length; }
        function validEmail(text) {
          var at = text.lastIndexOf("@");
          if (at < 1 || text.length > 254) return false;
          var local = text.slice(0, at), domain = text.slice(at + 1);
          return local.length <= 64 && /^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+)*$/.test(local) &&
            /^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(domain);
        }
        var taken = {};
        var checks = {
          username: function () {
            var u = value("username"), p = [];
            if (length(u) < 5 || length(u) > 16) p.push(M.usernameLength);
            if (!/^[A-Za-z0-9]*$/.test(u)) p.push(M.usernameCharacters);
            if (p.length === 0 && taken[u.toLowerCase()]) p.push(M.usernameTaken);
            return p;
          },
          firstName: function () { return value("firstName").trim() ? [] : [M.firstName]; },
          lastName: function () { return value("lastName").trim() ? [] : [M.lastName]; },
          email: function () { return validEmail(value("email")) ? [] : [M.emailInvalid]; },
          confirmEmail: function () {
            return value("confirmEmail").toLowerCase() === value("email").toLowerCase() ? [] : [M.emailMismatch];
          },
          password: function () {
            var w = value("password"), u = value("username"), p = [];
            if (length(w) < 8 || length(w) > 16) p.push(M.passwordLength);
            if (!/\p{Lu}/u.test(w)) p.push(M.passwordUpper);
            if (!/\p{Ll}/u.test(w)) p.push(M.passwordLower);
            if (!/\p{N}/u.test(w)) p.push(M.passwordDigit);
            if (u && w.toLowerCase() === u.toLowerCase()) p.push(M.passwordSame);
            return p;
          },
          confirmPassword: function () { return value("confirmPassword") === value("password") ? [] : [M.passwordMismatch]; },
          passwordPhrase: function () { return value("passwordPhrase").trim() ? [] : [M.phrase]; },
          challengeAnswer: function () { return value("challengeAnswer").trim() ? [] : [M.characters]; },
          acceptedConditions: function () { return field("acceptedConditions").checked ? [] : [M.conditions]; }
        };
        var touched = {};
        function show(name, problems) {
          var box = field(name + "-error"), input = field(name);
          if (!box || !input) return;
          box.textContent = "";
          problems.forEach(function (text) {
            var line = document.createElement("p");
            line.textContent = text;
            box.appendChild(line);
          });
          if (problems.length) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
        }
        function check(name) { var p = checks[name](); show(name, p); return p; }
        // Which fields' messages depend on another field's value.
        var followers = { username: ["password"], password: ["confirmPassword"], email: ["confirmEmail"] };
        var pause = null;
        function lookUp() {
          var u = value("username");
          if (checks.username().length) return;
          fetch("api/v1/usernames/" + encodeURIComponent(u), { headers: { "Accept": "application/json" } })
            .then(function (r) { return r.ok ? r.json() : null; })
            .then(function (answer) {
              if (!answer || value("username") !== u) return;
              taken[u.toLowerCase()] = (answer.problems || []).indexOf("username.taken") >= 0;
              check("username");
            })
            .catch(function () {});
        }
        Object.keys(checks).forEach(function (name) {
          var input = field(name);
          if (!input) return;
          var event = input.type === "checkbox" ? "change" : "input";
          input.addEventListener(event, function () {
            touched[name] = true;
            check(name);
            (followers[name] || []).forEach(function (other) { if (touched[other]) check(other); });
            if (name === "username") {
              clearTimeout(pause);
              pause = setTimeout(lookUp, 400);
            }
          });
          input.addEventListener("blur", function () {
            if (input.value !== "" || touched[name]) { touched[name] = true; check(name); }
          });
        });
        var refresh = field("challenge-refresh");
        if (refresh) {
          refresh.addEventListener("click", function (event) {
            event.preventDefault();
            fetch("api/v1/register/challenge", { headers: { "Accept": "application/json" } })
              .then(function (r) { if (!r.ok) throw new Error(); return r.json(); })
              .then(function (challenge) {
                var box = field("challenge-image");
                box.innerHTML = challenge.image;
                field("challengeToken").value = challenge.token;
                field("challengeAnswer").value = "";
                field("challengeAnswer").focus();
              })
              .catch(function () { form.requestSubmit(refresh); });
          });
        }
        form.addEventListener("submit", function (event) {
          if (event.submitter && event.submitter.value === "refresh") return;
          var first = null;
          Object.keys(checks).forEach(function (name) {
            touched[name] = true;
            if (check(name).length && !first) first = field(name);
          });
          if (first) { event.preventDefault(); first.focus(); }
        });
        })();
        """#
}
