/*
 * Security keys (WebAuthn/FIDO2) on the second-factor screens: binds a key
 * (data-webauthn="register") or logs in with one (data-webauthn="authenticate")
 * through django-otp-webauthn's JSON endpoints (data-begin-url, data-complete-url),
 * then goes to data-next. Served from this host; no inline script (the CSP).
 */
(function () {
  "use strict";

  var MESSAGES = {
    unsupported: "此浏览器不支持安全密钥,请使用动态口令或更换浏览器(须通过 https 或 localhost 访问)。",
    working: "请按提示触摸或插入安全密钥……",
    checking: "正在验证……",
    registered: "安全密钥已绑定,正在进入系统……",
    verified: "验证成功,正在进入系统……",
    cancelled: "操作已取消或超时,请重试。",
    duplicate: "这个安全密钥已经绑定过了。",
    user_not_verified: "请先用已绑定的第二因素验证身份,再添加安全密钥。",
    credential_not_found: "这个安全密钥没有绑定到您的账号。",
    credential_user_mismatch: "这个安全密钥没有绑定到您的账号。",
    credential_disabled: "这个安全密钥已停用。",
    failed: "安全密钥验证失败,请重试或联系安全管理员。",
  };

  function toBuffer(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    if (!buffer) return null;
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBuffer(item.id) });
    });
  }

  function post(url, body, csrfToken) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.code || "failed");
          error.code = data.code || "failed";
          throw error;
        }
        return data;
      });
    });
  }

  function register(options) {
    options.challenge = toBuffer(options.challenge);
    options.user = Object.assign({}, options.user, { id: toBuffer(options.user.id) });
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return navigator.credentials.create({ publicKey: options }).then(function (credential) {
      var response = credential.response;
      return {
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        authenticatorAttachment: credential.authenticatorAttachment || null,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          attestationObject: toText(response.attestationObject),
          transports: response.getTransports ? response.getTransports() : [],
        },
      };
    });
  }

  function authenticate(options) {
    options.challenge = toBuffer(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return navigator.credentials.get({ publicKey: options }).then(function (credential) {
      var response = credential.response;
      return {
        id: credential.id,
        rawId: toText(credential.rawId),
        type: credential.type,
        authenticatorAttachment: credential.authenticatorAttachment || null,
        clientExtensionResults: credential.getClientExtensionResults(),
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          authenticatorData: toText(response.authenticatorData),
          signature: toText(response.signature),
          userHandle: toText(response.userHandle),
        },
      };
    });
  }

  function setUp(box) {
    var button = box.querySelector("[data-webauthn-button]");
    var status = box.querySelector("[data-webauthn-status]");
    var tokenInput = box.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    var mode = box.getAttribute("data-webauthn");
    var say = function (key) { status.textContent = MESSAGES[key] || MESSAGES.failed; };
    if (!window.PublicKeyCredential || !navigator.credentials) {
      say("unsupported");
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      var csrfToken = tokenInput ? tokenInput.value : "";
      button.disabled = true;
      say("working");
      post(box.getAttribute("data-begin-url"), {}, csrfToken)
        .then(mode === "register" ? register : authenticate)
        .then(function (credential) {
          say("checking");
          return post(box.getAttribute("data-complete-url"), credential, csrfToken);
        })
        .then(function () {
          say(mode === "register" ? "registered" : "verified");
          window.location.assign(box.getAttribute("data-next") || "/admin/");
        })
        .catch(function (error) {
          button.disabled = false;
          if (error && (error.name === "NotAllowedError" || error.name === "AbortError")) {
            say("cancelled");
          } else if (error && error.name === "InvalidStateError") {
            say("duplicate");
          } else {
            say((error && error.code) || "failed");
          }
        });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-webauthn]"), setUp);
  });
})();
