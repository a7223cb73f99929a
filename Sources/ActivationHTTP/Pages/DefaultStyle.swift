/// The shipped stylesheet (replaced by `style.css` in the templates directory): system fonts,
/// one readable column, large touch targets, visible focus, and high contrast.
enum DefaultStyle {
    static let css = """
        *{box-sizing:border-box}\
        body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;\
        color:#1b1b1b;background:#f4f5f7}\
        main{max-width:34rem;margin:0 auto;padding:1.5rem 1rem;background:#fff;min-height:100vh}\
        h1{font-size:1.5rem;margin:0 0 1rem}h2{font-size:1.125rem;margin:1.5rem 0 .5rem}\
        .phrase{border:2px solid #1d4ed8;border-radius:.5rem;padding:.75rem 1rem;margin:1rem 0;background:#eff4ff}\
        .phrase h2{margin:0 0 .25rem}.phrase-text{font-size:1.25rem;font-weight:600;margin:.25rem 0}\
        .error{color:#a40e0e;font-weight:600}\
        label{display:block;font-weight:600;margin:1rem 0 .25rem}\
        input[type=password],input[type=text],input[type=email]{width:100%;font:inherit;padding:.625rem;border:2px solid #555;\
        border-radius:.375rem}\
        button{margin-top:1rem;font:inherit;font-weight:600;padding:.75rem 1.25rem;min-height:3rem;border:0;\
        border-radius:.375rem;background:#1d4ed8;color:#fff;cursor:pointer;width:100%}\
        :focus-visible{outline:3px solid #f59e0b;outline-offset:2px}\
        a{color:#1d4ed8}\
        .error p{margin:.25rem 0}[aria-invalid=true]{border-color:#a40e0e}\
        .rules{margin:.25rem 0;padding-left:1.25rem;color:#333}\
        .summary{border:3px solid #a40e0e;border-radius:.5rem;padding:.75rem 1rem;margin:0 0 1rem}\
        .summary h2{margin:0 0 .5rem;color:#a40e0e}.summary a{color:#a40e0e;font-weight:600}\
        .challenge img{display:block;width:100%;max-width:22rem;height:auto;background:#f8f8f0;border:1px solid #999;\
        border-radius:.375rem;margin:.5rem 0}\
        button.link{background:none;color:#1d4ed8;text-decoration:underline;padding:.25rem 0;min-height:2.75rem;\
        margin:0;width:auto;font-weight:400}\
        .website{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}\
        .agree{display:flex;gap:.5rem;align-items:center;margin-top:1rem}\
        .agree input{width:1.5rem;height:1.5rem;margin:0}.agree label{margin:0}\
        @media (min-width:40rem){main{margin:2rem auto;min-height:0;border-radius:.5rem;padding:2rem}\
        button{width:auto}}
        """
}
