"""Solutions in each compiled language, by behaviour, for the judge's and the sandbox's
tests; `toolchain(language)` skips a test whose compiler is not on this machine."""

from __future__ import annotations

import pytest

from orps_tui.sandbox.languages import Language, compiler_path


def _java(body: str, *, throws: bool = False) -> str:
    """`body` as the main method of `public class Main`."""
    clause = " throws Exception" if throws else ""
    return f"public class Main {{\n  public static void main(String[] a){clause} {{\n    {body}\n  }}\n}}\n"


COMPILED = [Language.CPP, Language.RUST, Language.JAVA]

SOURCES: dict[Language, dict[str, str]] = {
    Language.CPP: {
        "sum": (
            "#include <iostream>\nint main(){long long s=0,x;while(std::cin>>x)s+=x;"
            'std::cout<<s<<"\\n";}\n'
        ),
        "sum_plus_one": (
            "#include <iostream>\nint main(){long long s=0,x;while(std::cin>>x)s+=x;"
            'std::cout<<s+1<<"\\n";}\n'
        ),
        "spin": "int main(){volatile unsigned long x=0;for(;;)x++;}\n",
        "sleep": "#include <unistd.h>\nint main(){sleep(60);}\n",
        "alloc": (
            "#include <vector>\n#include <cstdio>\nint main(){std::vector<char> v(300u<<20, 1);"
            'std::printf("%d\\n", v[12345]);}\n'
        ),
        "segfault": "int main(){volatile int*p=nullptr;*p=1;return 0;}\n",
        "exit3": '#include <cstdio>\nint main(){std::puts("6");return 3;}\n',
        "syntax": "int main(){ return x }\n",
        "flood": '#include <cstdio>\nint main(){for(;;)std::fputs("yyyyyyyyyyyyyyyy\\n",stdout);}\n',
    },
    Language.RUST: {
        "sum": (
            "use std::io::Read;\nfn main(){let mut s=String::new();"
            "std::io::stdin().read_to_string(&mut s).unwrap();"
            "let t:i64=s.split_whitespace().map(|x|x.parse::<i64>().unwrap()).sum();"
            'println!("{}",t);}\n'
        ),
        "sum_plus_one": (
            "use std::io::Read;\nfn main(){let mut s=String::new();"
            "std::io::stdin().read_to_string(&mut s).unwrap();"
            "let t:i64=s.split_whitespace().map(|x|x.parse::<i64>().unwrap()).sum();"
            'println!("{}",t+1);}\n'
        ),
        "spin": ("fn main(){let mut x:u64=0;loop{x=std::hint::black_box(x.wrapping_add(1));}}\n"),
        "sleep": "fn main(){std::thread::sleep(std::time::Duration::from_secs(60));}\n",
        "alloc": 'fn main(){let v=vec![1u8; 300<<20];println!("{}",v[12345]);}\n',
        "segfault": (
            "fn main(){unsafe{let p=std::hint::black_box(0usize) as *mut i32;"
            "std::ptr::write_volatile(p,1);}}\n"
        ),
        "exit3": 'fn main(){println!("6");std::process::exit(3);}\n',
        "syntax": "fn main(){ let x = ; }\n",
        "flood": 'fn main(){loop{println!("yyyyyyyyyyyyyyyy");}}\n',
    },
    Language.JAVA: {
        "sum": _java(
            "var in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));"
            "long s = 0; String line; while ((line = in.readLine()) != null)"
            ' for (String w : line.trim().split("\\\\s+")) if (!w.isEmpty()) s += Long.parseLong(w);'
            "System.out.println(s);",
            throws=True,
        ),
        "sum_plus_one": _java(
            "var sc = new java.util.Scanner(System.in); long s = 0;"
            "while (sc.hasNextLong()) s += sc.nextLong(); System.out.println(s + 1);"
        ),
        "spin": "public class Main { static volatile long x; "
        "public static void main(String[] a) { for (;;) x++; } }\n",
        "sleep": _java("Thread.sleep(60_000);", throws=True),
        "alloc": _java("byte[] v = new byte[300 << 20]; v[12345] = 1; System.out.println(v[12345]);"),
        "throw": _java("int[] v = new int[1]; v[5] = 1;"),
        "exit3": _java('System.out.println("6"); System.exit(3);'),
        "syntax": "public class Main { public static void main(String[] a) { int x = ; } }\n",
        "flood": _java('for (;;) System.out.println("yyyyyyyyyyyyyyyy");'),
    },
}


def toolchain(language: Language) -> Language:
    """`language`, or a skip naming the missing compiler."""
    if compiler_path(language) is None:
        pytest.skip(f"{language.spec.compiler} is not installed: no {language.label} tests")
    return language
