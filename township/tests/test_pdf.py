import shutil
import subprocess

import pytest

from township.pdf import build_pdf, styles, table


def test_pdf_embeds_the_chinese_font(tmp_path):
    from reportlab.platypus import Paragraph

    content = build_pdf(
        "接待清单",
        [
            Paragraph("公务接待：县农业农村局 3 人", styles()["body"]),
            table([["姓名", "职务"], ["张三", "科员"]]),
        ],
    )
    assert content.startswith(b"%PDF")
    assert b"WenQuanYiMicroHei" in content  # the subset is embedded, not referenced
    if shutil.which("pdftoppm"):
        path = tmp_path / "x.pdf"
        path.write_bytes(content)
        subprocess.run(["pdftoppm", "-png", "-r", "50", str(path), str(tmp_path / "page")], check=True)
        assert list(tmp_path.glob("page*.png"))
    else:
        pytest.skip("pdftoppm not installed; font embedding checked by bytes only")
