// The ECharts build vendored as static/vendor/echarts/echarts.min.js (`make vendor`): only the charts
// and components our pages draw (bars, lines, the timeline's custom series), half the full build.
// Both renderers: SVG for the small charts, canvas for the timeline's week (a thousand bars).
import * as echarts from "echarts/core";
import { BarChart, LineChart, CustomChart } from "echarts/charts";
import { GridComponent, TooltipComponent, LegendComponent, MarkLineComponent } from "echarts/components";
import { SVGRenderer, CanvasRenderer } from "echarts/renderers";
echarts.use([
  BarChart, LineChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent,
  SVGRenderer, CanvasRenderer,
]);
window.echarts = echarts;
