// Generated from src-tauri/domain/src/domain/checklists by `cargo test`. Do not edit.
import type { ChecklistItem } from "./ChecklistItem";

export const CHECKLIST_FORMS: { worker_symptoms: ChecklistItem[]; worker_work: ChecklistItem[]; family_symptoms: ChecklistItem[] } = {
  "worker_symptoms": [
    {
      "number": 1,
      "text": "イライラする",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 2,
      "text": "不安だ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 3,
      "text": "落ち着かない",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 4,
      "text": "ゆううつだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 5,
      "text": "よく眠れない",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 6,
      "text": "体の調子が悪い",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 7,
      "text": "物事に集中できない",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 8,
      "text": "することに間違いが多い",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 9,
      "text": "仕事中、強い眠気に襲われる",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 10,
      "text": "やる気が出ない",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 11,
      "text": "へとへとだ（運動後を除く）",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 12,
      "text": "朝、起きた時、ぐったりした疲れを感じる",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 13,
      "text": "以前とくらべて、疲れやすい",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 14,
      "text": "食欲がないと感じる",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    }
  ],
  "worker_work": [
    {
      "number": 1,
      "text": "1か月の労働時間（時間外・休日労働時間を含む）",
      "choices": [
        {
          "label": "適当",
          "points": 0
        },
        {
          "label": "多い",
          "points": 1
        },
        {
          "label": "非常に多い",
          "points": 3
        }
      ]
    },
    {
      "number": 2,
      "text": "不規則な勤務（予定の変更、突然の仕事）",
      "choices": [
        {
          "label": "少ない",
          "points": 0
        },
        {
          "label": "多い",
          "points": 1
        }
      ]
    },
    {
      "number": 3,
      "text": "出張に伴う負担（頻度・拘束時間・時差など）",
      "choices": [
        {
          "label": "ない又は小さい",
          "points": 0
        },
        {
          "label": "大きい",
          "points": 1
        }
      ]
    },
    {
      "number": 4,
      "text": "深夜勤務に伴う負担",
      "choices": [
        {
          "label": "ない又は小さい",
          "points": 0
        },
        {
          "label": "大きい",
          "points": 1
        },
        {
          "label": "非常に大きい",
          "points": 3
        }
      ]
    },
    {
      "number": 5,
      "text": "休憩・仮眠の時間数及び施設",
      "choices": [
        {
          "label": "適切である",
          "points": 0
        },
        {
          "label": "不適切である",
          "points": 1
        }
      ]
    },
    {
      "number": 6,
      "text": "仕事についての身体的負担",
      "choices": [
        {
          "label": "小さい",
          "points": 0
        },
        {
          "label": "大きい",
          "points": 1
        },
        {
          "label": "非常に大きい",
          "points": 3
        }
      ]
    },
    {
      "number": 7,
      "text": "仕事についての精神的負担",
      "choices": [
        {
          "label": "小さい",
          "points": 0
        },
        {
          "label": "大きい",
          "points": 1
        },
        {
          "label": "非常に大きい",
          "points": 3
        }
      ]
    },
    {
      "number": 8,
      "text": "職場・顧客等の人間関係による負担",
      "choices": [
        {
          "label": "小さい",
          "points": 0
        },
        {
          "label": "大きい",
          "points": 1
        },
        {
          "label": "非常に大きい",
          "points": 3
        }
      ]
    },
    {
      "number": 9,
      "text": "時間内に処理しきれない仕事",
      "choices": [
        {
          "label": "少ない",
          "points": 0
        },
        {
          "label": "多い",
          "points": 1
        },
        {
          "label": "非常に多い",
          "points": 3
        }
      ]
    },
    {
      "number": 10,
      "text": "自分のペースでできない仕事",
      "choices": [
        {
          "label": "少ない",
          "points": 0
        },
        {
          "label": "多い",
          "points": 1
        },
        {
          "label": "非常に多い",
          "points": 3
        }
      ]
    },
    {
      "number": 11,
      "text": "勤務時間外でも仕事のことが気にかかって仕方ない",
      "choices": [
        {
          "label": "ほとんどない",
          "points": 0
        },
        {
          "label": "時々ある",
          "points": 1
        },
        {
          "label": "よくある",
          "points": 3
        }
      ]
    },
    {
      "number": 12,
      "text": "勤務日の睡眠時間",
      "choices": [
        {
          "label": "十分",
          "points": 0
        },
        {
          "label": "やや足りない",
          "points": 1
        },
        {
          "label": "足りない",
          "points": 3
        }
      ]
    },
    {
      "number": 13,
      "text": "終業時刻から次の始業時刻の間にある休息時間",
      "choices": [
        {
          "label": "十分",
          "points": 0
        },
        {
          "label": "やや足りない",
          "points": 1
        },
        {
          "label": "足りない",
          "points": 3
        }
      ]
    }
  ],
  "family_symptoms": [
    {
      "number": 1,
      "text": "イライラしているようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 2,
      "text": "不安そうだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 3,
      "text": "落ち着かないようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 4,
      "text": "ゆううつそうだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 5,
      "text": "体の調子が悪そうだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 6,
      "text": "物事に集中できないようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 7,
      "text": "することに間違いが多いようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 8,
      "text": "強い眠気に襲われるようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 9,
      "text": "やる気が出ないようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 10,
      "text": "へとへとのようだ（運動後を除く）",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 11,
      "text": "朝起きた時、疲れが残っているようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 12,
      "text": "以前とくらべて、疲れやすいようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    },
    {
      "number": 13,
      "text": "食事量が減っているようだ",
      "choices": [
        {
          "label": "ほとんどない",
          "points": null
        },
        {
          "label": "時々ある",
          "points": null
        },
        {
          "label": "よくある",
          "points": null
        }
      ]
    }
  ]
};
