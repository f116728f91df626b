"""Solutions in each compiled language, by behaviour, for the judge's and the sandbox's
tests; `toolchain(language)` skips a test whose compiler is not on this machine."""

from __future__ import annotations

import pytest

from orps_tui.sandbox.languages import Language, compiler_path

COMPILED = [Language.CPP, Language.RUST]

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
}


def toolchain(language: Language) -> Language:
    """`language`, or a skip naming the missing compiler."""
    if compiler_path(language) is None:
        pytest.skip(f"{language.spec.compiler} is not installed: no {language.label} tests")
    return language
